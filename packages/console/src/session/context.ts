import type { ArtifactStoreClient } from "@artifact-store/client";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session";

export interface SignedIn {
  session: Session;
  client: ArtifactStoreClient;
  signOut: () => void;
}

export const SignedInContext = createContext<SignedIn | null>(null);

/** The signed-in session; pages below the sign-in gate always have one. */
export const useSignedIn = (): SignedIn => {
  const signedIn = useContext(SignedInContext);
  if (!signedIn) throw new Error("useSignedIn outside the sign-in gate");
  return signedIn;
};
