import { ArtifactStoreError } from "@artifact-store/client";

/** What went wrong, as a person reads it: the API's message, never a stack. */
export interface Problem {
  message: string;
  /** The API's error code, when the API answered. */
  code?: string;
  status?: number;
  requestId?: string;
}

export const problemOf = (error: unknown): Problem => {
  if (error instanceof ArtifactStoreError) {
    return {
      message: error.message,
      code: error.code,
      status: error.status,
      ...(error.requestId ? { requestId: error.requestId } : {}),
    };
  }
  if (error instanceof TypeError) {
    return { message: "The store could not be reached. Check your connection and try again." };
  }
  if (error instanceof DOMException && error.name === "AbortError") return { message: "Cancelled." };
  return { message: error instanceof Error ? error.message : String(error) };
};
