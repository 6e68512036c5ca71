import { createHash } from "node:crypto";
import type { Artifact, Principal } from "@artifact-store/core";
import { Uploads } from "../uploads";
import type { MemoryCatalogue } from "./catalogue";
import type { FakeStorage } from "./fake-storage";

const MiB = 1024 * 1024;

export const TEST_UPLOAD_SETTINGS = {
  limits: {
    singleUploadThreshold: 5 * MiB,
    preferredPartSize: 5 * MiB,
    maxObjectSize: 64 * MiB,
    initialPartUrls: 4,
  },
  uploadUrlTtlSeconds: 900,
  downloadUrlTtlSeconds: 300,
  uploadTtlSeconds: 3600,
  requirePartChecksums: false,
};

export const userNamed = (id: string): Principal => ({
  kind: "user",
  id,
  roles: [],
  scopes: ["read", "upload", "write"],
});

/** An artifact uploaded the way a client does it: opened, its bytes PUT, completed. */
export const uploadedArtifact = async (
  catalogue: MemoryCatalogue,
  storage: FakeStorage,
  now: () => Date,
  content: string,
  extra: { filename?: string; expiresAt?: string; owner?: string } = {},
): Promise<Artifact> => {
  const uploads = new Uploads(
    catalogue.catalog,
    storage.asObjectStorage,
    TEST_UPLOAD_SETTINGS,
    catalogue.partChecksums,
    now,
  );
  const owner = userNamed(extra.owner ?? "alice");
  const bytes = Buffer.from(content);
  const opening = await uploads.create(owner, {
    filename: extra.filename ?? "page.txt",
    contentType: "text/plain",
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    dedupe: false,
    ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
  });
  if (opening.deduplicated) throw new Error("deduplicated");
  storage.putObject(opening.upload.objectKey, bytes);
  return uploads.complete(owner, opening.upload.id);
};
