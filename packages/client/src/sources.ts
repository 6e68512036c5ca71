import { createSha256 } from "./sha256";

/** Bytes to upload, readable by range any number of times (parts are read in parallel and re-read on retry). */
export interface ByteSource {
  readonly size: number;
  readonly name: string | undefined;
  readonly type: string | undefined;
  read(start: number, end: number): Promise<Uint8Array>;
  /** Reads a range into a buffer of the caller's, so part buffers can be used again (a file's). */
  readInto?(target: Uint8Array, start: number): Promise<void>;
  /**
   * A request body for a range, when the source can hand one over without copying it first:
   * browsers send a Blob slice several times faster than the same bytes as an array.
   */
  slice?(start: number, end: number): Blob;
  /** The whole content in order, for hashing, without holding it all in memory. */
  chunks(): AsyncIterable<Uint8Array>;
  /** A SHA-256 already known (a spooled stream is hashed as it is written). */
  knownSha256?: string;
  close(): Promise<void>;
}

export type UploadSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

const CHUNK = 1024 * 1024;

const bytesSource = (bytes: Uint8Array): ByteSource => ({
  size: bytes.byteLength,
  name: undefined,
  type: undefined,
  read: async (start, end) => bytes.subarray(start, end),
  async *chunks() {
    for (let offset = 0; offset < bytes.byteLength; offset += CHUNK)
      yield bytes.subarray(offset, offset + CHUNK);
  },
  close: async () => {},
});

const blobSource = (blob: Blob): ByteSource => ({
  size: blob.size,
  name: typeof File !== "undefined" && blob instanceof File ? blob.name : undefined,
  type: blob.type || undefined,
  read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  slice: (start, end) => blob.slice(start, end),
  async *chunks() {
    for (let offset = 0; offset < blob.size; offset += 8 * CHUNK) {
      yield new Uint8Array(await blob.slice(offset, offset + 8 * CHUNK).arrayBuffer());
    }
  },
  close: async () => {},
});

const fileSource = async (path: string, knownSha256?: string): Promise<ByteSource> => {
  const { open } = await import("node:fs/promises");
  const { createReadStream } = await import("node:fs");
  const { basename } = await import("node:path");
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  const readInto = async (target: Uint8Array, start: number) => {
    let filled = 0;
    while (filled < target.byteLength) {
      const { bytesRead } = await handle.read(target, filled, target.byteLength - filled, start + filled);
      if (bytesRead === 0) throw new Error(`${path} shrank while being uploaded.`);
      filled += bytesRead;
    }
  };
  return {
    size,
    name: basename(path),
    type: undefined,
    ...(knownSha256 ? { knownSha256 } : {}),
    read: async (start, end) => {
      const buffer = new Uint8Array(end - start);
      await readInto(buffer, start);
      return buffer;
    },
    readInto,
    chunks: () => createReadStream(path, { highWaterMark: CHUNK }),
    close: () => handle.close(),
  };
};

const iterate = (
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> =>
  Symbol.asyncIterator in stream
    ? (stream as AsyncIterable<Uint8Array>)
    : {
        async *[Symbol.asyncIterator]() {
          const reader = (stream as ReadableStream<Uint8Array>).getReader();
          try {
            for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
          } finally {
            reader.releaseLock();
          }
        },
      };

/**
 * A stream can be read once, but parts need ranges and retries: in Node it is spooled to a
 * temporary file (hashed on the way), which is removed when the upload ends.
 */
const spooledSource = async (
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<ByteSource> => {
  if (typeof process === "undefined" || !process.versions?.node) {
    throw new TypeError("In a browser, upload a Blob or File; streams can only be uploaded from Node.");
  }
  const { mkdtemp, open, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const folder = await mkdtemp(join(tmpdir(), "artifact-upload-"));
  const path = join(folder, "spool");
  const hash = await createSha256();
  const out = await open(path, "w");
  try {
    for await (const chunk of iterate(stream)) {
      hash.update(chunk);
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
  const file = await fileSource(path, hash.hex());
  return {
    ...file,
    name: undefined,
    close: async () => {
      await file.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
};

export const toByteSource = async (source: UploadSource): Promise<ByteSource> => {
  if (typeof source === "string") return fileSource(source);
  if (source instanceof Uint8Array) return bytesSource(source);
  if (source instanceof ArrayBuffer) return bytesSource(new Uint8Array(source));
  if (typeof Blob !== "undefined" && source instanceof Blob) return blobSource(source);
  return spooledSource(source as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>);
};
