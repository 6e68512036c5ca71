import { invalid } from "@artifact-store/core";
import * as v from "valibot";
import { Sha256 } from "../common/schemas";
import { CompleteUploadBody } from "../uploads/schemas";

/** Completion in the S3 dialect carries the whole SHA-256 in the query: the body is Uppy's XML. */
export const UppyCompleteQuery = v.strictObject({ sha256: Sha256 });

const PART = /<Part>\s*<PartNumber>\s*(\d{1,5})\s*<\/PartNumber>\s*<ETag>([^<]{1,256})<\/ETag>\s*<\/Part>/g;
const ENTITIES: Record<string, string> = {
  "&quot;": '"',
  "&apos;": "'",
  "&lt;": "<",
  "&gt;": ">",
  "&amp;": "&",
};

/**
 * The parts Uppy's <CompleteMultipartUpload> names (it writes exactly `<Part><PartNumber>n
 * </PartNumber><ETag>e</ETag></Part>` each), checked as the JSON completion checks its `parts`:
 * the store completes only if storage holds exactly these.
 */
export const completedPartsOfXml = (xml: string): { partNumber: number; etag: string }[] => {
  const parts = [...xml.matchAll(PART)].map(([, partNumber, etag]) => ({
    partNumber: Number(partNumber),
    etag: (etag ?? "").replace(/&(quot|apos|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity),
  }));
  const checked = v.safeParse(CompleteUploadBody, { parts });
  if (!checked.success || !checked.output?.parts) {
    throw invalid(
      "invalid_request",
      `body is invalid: a <CompleteMultipartUpload> naming each part once, as <Part><PartNumber/><ETag/></Part>, is needed${checked.success ? "" : ` (${checked.issues[0].message})`}.`,
    );
  }
  return checked.output.parts;
};
