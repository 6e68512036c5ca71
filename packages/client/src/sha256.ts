export interface IncrementalHash {
  update(chunk: Uint8Array): void;
  hex(): string;
}

export const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Node's OpenSSL hash where there is one (several times faster), hash-wasm in browsers. */
export const createSha256 = async (): Promise<IncrementalHash> => {
  if (isNode) {
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256");
    return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest("hex") };
  }
  const { createSHA256 } = await import("hash-wasm");
  const hash = await createSHA256();
  hash.init();
  return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest("hex") };
};

export const sha256Of = async (chunks: AsyncIterable<Uint8Array>): Promise<string> => {
  const hash = await createSha256();
  for await (const chunk of chunks) hash.update(chunk);
  return hash.hex();
};
