/**
 * Object keys are derived from ids the server issued, never from user input, so no filename or
 * token subject can escape its prefix. The original filename lives in the catalogue.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_EXTENSION = /^\.[a-z0-9]{1,16}$/;

/** A key-safe form of an owner id: kept as is when harmless, else a hex digest of it. */
export const ownerKeySegment = (ownerId: string, digestHex: (value: string) => string): string =>
  SAFE_SEGMENT.test(ownerId) ? ownerId : `h-${digestHex(ownerId).slice(0, 40)}`;

export const extensionOf = (filename: string): string => {
  const dot = filename.lastIndexOf(".");
  if (dot <= 0) return "";
  const extension = filename.slice(dot).toLowerCase();
  return SAFE_EXTENSION.test(extension) ? extension : "";
};

export const artifactObjectKey = (ownerSegment: string, artifactId: string, filename: string): string =>
  `artifacts/users/${ownerSegment}/${artifactId}${extensionOf(filename)}`;

export const artifactSidecarKey = (artifactId: string): string =>
  `metadata/artifacts/${artifactId}/metadata.json`;
