import { createHash, randomUUID } from "node:crypto";
import type { ObjectStorage } from "./object-storage";

/**
 * What an S3-compatible server enforces and honours, found by trying it (AWS S3, MinIO and Ceph
 * RGW do all three; moto's server none).
 */
export interface StorageCapabilities {
  /** A body whose Content-MD5 differs is refused, so a part corrupted on its way never lands. */
  contentMd5Enforced: boolean;
  /** A download URL's response-content-type/-disposition are what the GET answers with. */
  responseOverridesHonoured: boolean;
  /** A presigned URL whose signature was altered is refused. */
  signaturesVerified: boolean;
}

/** Where probe objects live: outside every prefix the store lists (artifacts, sidecars, audit). */
export const PROBE_PREFIX = "probes/";

export const PROBE_BYTES = new TextEncoder().encode("artifact-store probe");
const OTHER_MD5 = createHash("md5").update("other bytes").digest("base64");
const PROBE_DISPOSITION = 'attachment; filename="probe.bin"';
const URL_TTL_SECONDS = 60;
const REQUEST_TIMEOUT_MS = 5_000;

export const probeKey = () => `${PROBE_PREFIX}${randomUUID()}`;

/** A request to a presigned URL, its body drained so the connection is free again. */
const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
  const answer = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await answer.arrayBuffer().catch(() => undefined);
  return answer;
};

/** A PUT through a URL signed with another body's Content-MD5: a server that checks refuses it (400). */
const refusesWrongMd5 = async (storage: ObjectStorage): Promise<boolean> => {
  const key = probeKey();
  const signed = await storage.presignPut(
    key,
    { contentType: "application/octet-stream", contentDisposition: PROBE_DISPOSITION },
    { size: PROBE_BYTES.length, ttlSeconds: URL_TTL_SECONDS, checksum: { md5: OTHER_MD5 } },
  );
  const answer = await request(signed.url, { method: "PUT", headers: signed.headers, body: PROBE_BYTES });
  if (!answer.ok) return true;
  await storage.deleteObject(key);
  return false;
};

/**
 * Tries the server once: a wrong Content-MD5, a download URL with a Content-Disposition override,
 * and the same URL with its signature altered. Five small requests, objects removed after.
 */
export const probeCapabilities = async (storage: ObjectStorage): Promise<StorageCapabilities> => {
  const key = probeKey();
  await storage.putBytes(key, PROBE_BYTES, "application/octet-stream");
  try {
    const url = await storage.presignDownload(key, {
      expiresInSeconds: URL_TTL_SECONDS,
      contentDisposition: PROBE_DISPOSITION,
      contentType: "application/x-artifact-store-probe",
    });
    const download = await request(url);
    if (!download.ok) throw new Error(`a presigned GET of ${key} answered HTTP ${download.status}`);
    const tampered = new URL(url);
    const signature = tampered.searchParams.get("X-Amz-Signature") ?? "";
    tampered.searchParams.set(
      "X-Amz-Signature",
      `${signature.startsWith("0") ? "1" : "0"}${signature.slice(1)}`,
    );
    const [contentMd5Enforced, forged] = await Promise.all([
      refusesWrongMd5(storage),
      request(tampered.toString()),
    ]);
    return {
      contentMd5Enforced,
      responseOverridesHonoured: download.headers.get("content-disposition") === PROBE_DISPOSITION,
      signaturesVerified: !forged.ok,
    };
  } finally {
    await storage.deleteObject(key);
  }
};

/** What an operator should know about each capability a server lacks. */
export const LACKING: Record<keyof StorageCapabilities, string> = {
  contentMd5Enforced:
    "does not check Content-MD5: a part corrupted on its way is stored, and caught only when verification reads the whole object back",
  responseOverridesHonoured:
    "ignores response-content-type/-disposition on download URLs: downloads are served with the Content-Type and Content-Disposition stored at upload (an attachment of a safe type)",
  signaturesVerified:
    "does not verify presigned URL signatures: anyone who can reach it may read and write the bucket; never expose it beyond tests",
};
