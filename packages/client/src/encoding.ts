/** Digest bytes as S3's checksum headers carry them (Content-MD5, x-amz-checksum-sha256). */
export const base64Of = (bytes: Uint8Array): string => {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

/** Digest bytes as the store declares an artifact's SHA-256. */
export const hexOf = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
