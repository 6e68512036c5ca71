import type { Artifact } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";

/** S3 keeps at most 10 tags per object. */
export const OBJECT_TAGS_MAX = 10;

/**
 * The artifact's first 10 tags as S3 object tags (`<tag>` = `true`), so storage lifecycle rules
 * can filter on them. Catalogue tags already use only characters S3 allows in tag keys.
 */
export const objectTagsOf = (tags: readonly string[]): Record<string, string> =>
  Object.fromEntries(tags.slice(0, OBJECT_TAGS_MAX).map((tag) => [tag, "true"]));

/** Mirrors the tags onto the stored object; nothing to do while the bytes are not there yet. */
export const mirrorTags = async (storage: ObjectStorage, artifact: Artifact): Promise<void> => {
  if (artifact.state === "pending" || artifact.state === "deleted") return;
  await storage.setObjectTags(artifact.objectKey, objectTagsOf(artifact.tags));
};
