import type { Artifact } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";

export const CONTENT_PREFIX = "content/sha256/";

/** Where bytes with this SHA-256 live in the backup bucket: identical content is stored once. */
export const contentKey = (sha256: string): string => `${CONTENT_PREFIX}${sha256.slice(0, 2)}/${sha256}`;

/**
 * The backup bucket's content-addressed store. Only verified bytes go in, so a name is a promise
 * about the bytes behind it; copies are server-side, so no byte passes through this process.
 */
export class ContentStore {
  /** Content present or being copied in by this process: duplicates in one run cost no HEAD. */
  private readonly known = new Map<string, Promise<boolean>>();

  constructor(
    private readonly live: ObjectStorage,
    private readonly backup: ObjectStorage,
  ) {}

  /** Copies an artifact's bytes in unless the store has them; true for the call that copied. */
  async store(artifact: Artifact & { sha256: string }): Promise<boolean> {
    const key = contentKey(artifact.sha256);
    const known = this.known.get(key);
    if (known) {
      await known;
      return false;
    }
    const storing = (async () => {
      const held = await this.backup.headObject(key);
      if (held?.size === artifact.size) return false;
      await this.backup.copyFrom(this.live, artifact.objectKey, key, artifact.size);
      return true;
    })();
    this.known.set(key, storing);
    try {
      return await storing;
    } catch (error) {
      this.known.delete(key);
      throw error;
    }
  }

  /** Copies stored content back to an artifact's object key; returns the copy's ETag. */
  restore(artifact: Artifact, key: string): Promise<string> {
    return this.live.copyFrom(this.backup, key, artifact.objectKey, artifact.size);
  }
}
