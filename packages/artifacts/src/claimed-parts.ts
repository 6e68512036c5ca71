import { conflict } from "@artifact-store/core";
import type { StoredPart } from "@artifact-store/storage";

/** A part as the uploader saw it sent: its number and the ETag storage answered. */
export interface ClaimedPart {
  partNumber: number;
  etag: string;
}

/** ETags compared as S3 means them: quotes and case aside. */
const etagText = (etag: string): string => etag.replaceAll('"', "").toLowerCase();

/**
 * The uploader's list of parts must be what storage holds, part for part and ETag for ETag: a
 * client that lost a part, or holds a stale ETag, hears so instead of completing other bytes.
 * For a multipart upload `stored` is the very list the completion then completes, so a part
 * re-sent after the check cannot slip in; a single PUT's is the HEAD before its completion.
 */
export const checkClaimedParts = (claimed: readonly ClaimedPart[], stored: readonly StoredPart[]): void => {
  const etagOf = new Map(stored.map((part) => [part.partNumber, etagText(part.etag)]));
  const claimedNumbers = new Set(claimed.map((part) => part.partNumber));
  const notInStorage = claimed.filter((part) => !etagOf.has(part.partNumber)).map((part) => part.partNumber);
  const notClaimed = stored
    .filter((part) => !claimedNumbers.has(part.partNumber))
    .map((part) => part.partNumber);
  const otherEtag = claimed
    .filter((part) => etagOf.has(part.partNumber) && etagOf.get(part.partNumber) !== etagText(part.etag))
    .map((part) => ({
      partNumber: part.partNumber,
      given: part.etag,
      stored: etagOf.get(part.partNumber),
    }));
  if (notInStorage.length + notClaimed.length + otherEtag.length === 0) return;
  throw conflict(
    "parts_mismatch",
    `The ${claimed.length} part(s) named are not the ${stored.length} storage holds; send the parts again or complete without a list.`,
    {
      notInStorage: notInStorage.slice(0, 100),
      notNamed: notClaimed.slice(0, 100),
      otherEtag: otherEtag.slice(0, 100),
    },
  );
};
