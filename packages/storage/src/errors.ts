import { unavailable } from "@artifact-store/core";

interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const shapeOf = (error: unknown): S3ErrorShape => (typeof error === "object" && error !== null ? error : {});

export const isNotFound = (error: unknown, ...names: string[]): boolean => {
  const shape = shapeOf(error);
  return (
    shape.$metadata?.httpStatusCode === 404 ||
    names.includes(shape.name ?? "") ||
    names.includes(shape.Code ?? "")
  );
};

/** Storage faults a caller cannot fix become one clear 503 instead of a stack trace. */
export const storageUnavailable = (operation: string, error: unknown) => {
  const shape = shapeOf(error);
  const status = shape.$metadata?.httpStatusCode;
  const reason = shape.name ?? (error instanceof Error ? error.message : "unknown error");
  return unavailable(
    "storage_unavailable",
    `Storage did not complete ${operation}${status ? ` (HTTP ${status})` : ""}: ${reason}.`,
  );
};
