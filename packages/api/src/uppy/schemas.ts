import * as v from "valibot";
import { Sha256 } from "../common/schemas";

/** Completion in the S3 dialect carries the whole SHA-256 in the query: Uppy sends its own XML body. */
export const UppyCompleteQuery = v.strictObject({ sha256: Sha256 });
