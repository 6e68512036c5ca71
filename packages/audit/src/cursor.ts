import { AuditError } from "./validation";

/** Opaque to callers: base64url of the last seq they saw. */
export const encodeCursor = (seq: number): string => Buffer.from(String(seq), "utf8").toString("base64url");

/** The seq a cursor stands for; only what encodeCursor makes is accepted. */
export const decodeCursor = (cursor: string): number => {
  const seq = Number(Buffer.from(cursor, "base64url").toString("utf8"));
  // Node decodes base64 leniently, so the round trip is what proves the cursor is ours.
  if (!Number.isSafeInteger(seq) || seq < 1 || encodeCursor(seq) !== cursor)
    throw new AuditError("invalid_cursor", "The cursor is not one this audit trail handed out.");
  return seq;
};
