import { conflict, invalid } from "./errors";
import type { Artifact, LegalHold } from "./model";

/** The furthest ahead an expiry may be set: beyond it, "keep" is what the caller means. */
export const MAX_EXPIRY_DAYS = 3653;
const DAY_MS = 86_400_000;

/** What the lifecycle fields of an artifact are: when it expires, and whether it is held. */
export interface Lifecycle {
  expiresAt: Date | null;
  legalHold: LegalHold | null;
}

/** An ISO time as an expiry: in the future, and at most MAX_EXPIRY_DAYS ahead. */
export const parseExpiry = (value: string, now: Date): Date => {
  const expiresAt = new Date(value);
  if (Number.isNaN(expiresAt.getTime())) {
    throw invalid("invalid_expiry", "expiresAt must be an ISO 8601 time such as 2026-12-31T23:59:59Z.");
  }
  if (expiresAt.getTime() <= now.getTime()) {
    throw invalid("invalid_expiry", "expiresAt must be in the future.", { now: now.toISOString() });
  }
  if (expiresAt.getTime() > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS) {
    throw invalid(
      "invalid_expiry",
      `expiresAt may be at most ${MAX_EXPIRY_DAYS} days (10 years) ahead; leave it unset to keep the artifact.`,
    );
  }
  return expiresAt;
};

export const isUnderLegalHold = (artifact: Pick<Artifact, "legalHold">): boolean =>
  artifact.legalHold !== null && artifact.legalHold !== undefined;

/** Deleting a held artifact is refused the same way for owners and admins. */
export const legalHoldConflict = (artifact: Pick<Artifact, "legalHold">) =>
  conflict(
    "legal_hold",
    "This artifact is under legal hold and cannot be deleted; an admin must release the hold first.",
    artifact.legalHold
      ? {
          legalHold: {
            setBy: artifact.legalHold.setBy,
            setAt: artifact.legalHold.setAt.toISOString(),
            reason: artifact.legalHold.reason,
          },
        }
      : {},
  );
