import { base64Of, hexOf } from "./encoding";
import { isNode } from "./sha256";

/** What to compute from one part's bytes. */
export interface PartHashRequest {
  md5: boolean;
  /** The part's own SHA-256 (x-amz-checksum-sha256), where storage checks it. */
  sha256: boolean;
  /** Feed the whole content's SHA-256 (parts are fed in order). */
  whole: boolean;
  /** The last part of the content: the whole SHA-256 is answered with it. */
  last: boolean;
}

export interface PartHashResult {
  /** Base64, as Content-MD5 carries it. */
  md5?: string;
  /** Base64, as x-amz-checksum-sha256 carries it. */
  sha256?: string;
  /** Hex, with the last part. */
  whole?: string;
  /** Time spent hashing, wherever that ran. */
  busyMs: number;
}

/**
 * One upload's hashing: part after part, each part's digests and the whole content's SHA-256
 * in one pass over its bytes.
 */
export interface ContentHashing {
  /**
   * The bytes are best given in a SharedArrayBuffer: a thread reads them where they are (others
   * are copied for it). Buffers moved to a thread and back would count as new memory each time,
   * and cost the process a full GC every few parts.
   */
  readonly shared: boolean;
  /** The bytes must stay as they are until the answer. */
  part(bytes: Uint8Array, request: PartHashRequest): Promise<PartHashResult>;
  close(): void;
}

interface Digest {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}

const createDigest = async (algorithm: "md5" | "sha256"): Promise<Digest> => {
  if (isNode) {
    const { createHash } = await import("node:crypto");
    const hash = createHash(algorithm);
    return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
  }
  const { createMD5, createSHA256 } = await import("hash-wasm");
  const hash = algorithm === "md5" ? await createMD5() : await createSHA256();
  hash.init();
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest("binary") };
};

const SLICE = 4 * 1024 * 1024;

/** A macrotask turn, so what else waits on this thread (sends starting, progress, a page) gets to run. */
const yieldToOthers = (): Promise<void> =>
  new Promise((resolve) =>
    typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

/**
 * Hashing on this thread, a 4 MiB slice at a time with a turn for others between slices: in
 * browsers (hash-wasm; the part bodies are sent by the browser's network stack meanwhile), and
 * in Node for sources too small to be worth a thread.
 */
export const hashingHere = (): ContentHashing => {
  let whole: Promise<Digest> | undefined;
  // One part after the other, so the whole SHA-256 is fed in order.
  let previous: Promise<unknown> = Promise.resolve();
  const hashPart = async (bytes: Uint8Array, request: PartHashRequest): Promise<PartHashResult> => {
    let busyMs = 0;
    const md5 = request.md5 ? await createDigest("md5") : undefined;
    const sha256 = request.sha256 ? await createDigest("sha256") : undefined;
    if (request.whole) whole ??= createDigest("sha256");
    const wholeDigest = request.whole ? await whole : undefined;
    for (let offset = 0; ; offset += SLICE) {
      const sliceStarted = performance.now();
      const slice = bytes.subarray(offset, offset + SLICE);
      md5?.update(slice);
      sha256?.update(slice);
      wholeDigest?.update(slice);
      busyMs += performance.now() - sliceStarted;
      if (offset + SLICE >= bytes.byteLength) break;
      await yieldToOthers();
    }
    const result: PartHashResult = { busyMs };
    if (md5) result.md5 = base64Of(md5.digest());
    if (sha256) result.sha256 = base64Of(sha256.digest());
    if (wholeDigest && request.last) result.whole = hexOf(wholeDigest.digest());
    return result;
  };
  return {
    shared: false,
    part(bytes, request) {
      const hashed = previous.then(() => hashPart(bytes, request));
      previous = hashed.catch(() => {});
      return hashed;
    },
    close() {},
  };
};

/**
 * The hashing thread's code, run with `eval` so it needs no file of its own next to the bundle
 * (no bundler has to know of it). One thread serves every upload of the process; each upload's
 * whole-content SHA-256 is kept under its session number, fed in the order parts are posted.
 */
// Bare module names: the browser build must hold no "node:" import, not even in a string.
const THREAD_CODE = `
const { parentPort } = require("worker_threads");
const { createHash } = require("crypto");
const wholes = new Map();
parentPort.on("message", (message) => {
  if (message.end !== undefined) return void wholes.delete(message.end);
  const { id, session, buffer, offset, length, request } = message;
  const started = performance.now();
  const answer = { id };
  try {
    const bytes = new Uint8Array(buffer, offset, length);
    if (request.md5) answer.md5 = createHash("md5").update(bytes).digest("base64");
    if (request.sha256) answer.sha256 = createHash("sha256").update(bytes).digest("base64");
    if (request.whole) {
      let whole = wholes.get(session);
      if (!whole) wholes.set(session, (whole = createHash("sha256")));
      whole.update(bytes);
      if (request.last) {
        answer.whole = whole.digest("hex");
        wholes.delete(session);
      }
    }
  } catch (error) {
    answer.error = String(error && error.message ? error.message : error);
  }
  answer.busyMs = performance.now() - started;
  parentPort.postMessage(answer);
});
`;

interface ThreadAnswer {
  id: number;
  md5?: string;
  sha256?: string;
  whole?: string;
  busyMs: number;
  error?: string;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: "message", listener: (answer: ThreadAnswer) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  ref(): void;
  unref(): void;
}

const copyToShared = (bytes: Uint8Array): Uint8Array => {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
};

/** The process's hashing thread, started on first use; it holds the process open only while it has work. */
class HashThread {
  private nextId = 1;
  private nextSession = 1;
  private readonly pending = new Map<
    number,
    { resolve: (a: ThreadAnswer) => void; reject: (e: unknown) => void }
  >();

  private constructor(private readonly worker: NodeWorker) {
    worker.unref();
    worker.on("message", (answer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if (!waiting) return;
      if (answer.error) waiting.reject(new Error(`Hashing failed: ${answer.error}`));
      else waiting.resolve(answer);
    });
    worker.on("error", (error) => {
      thread = undefined; // the next upload starts a new one
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    });
  }

  static async start(): Promise<HashThread> {
    const { Worker } = await import("node:worker_threads");
    return new HashThread(new Worker(THREAD_CODE, { eval: true }) as unknown as NodeWorker);
  }

  session(): number {
    const session = this.nextSession;
    this.nextSession += 1;
    return session;
  }

  hash(session: number, bytes: Uint8Array, request: PartHashRequest): Promise<ThreadAnswer> {
    const shared = bytes.buffer instanceof SharedArrayBuffer ? bytes : copyToShared(bytes);
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({
        id,
        session,
        buffer: shared.buffer,
        offset: shared.byteOffset,
        length: shared.byteLength,
        request,
      });
    });
  }

  end(session: number): void {
    this.worker.postMessage({ end: session });
  }
}

let thread: Promise<HashThread> | undefined;

/**
 * Hashing on a worker thread, off the thread that sends: it reads the part's bytes where they are,
 * in shared memory, and answers their digests.
 */
export const hashingOnThread = async (): Promise<ContentHashing> => {
  const started = thread ?? HashThread.start();
  thread = started;
  started.catch(() => {
    if (thread === started) thread = undefined;
  });
  const hashThread = await started;
  const session = hashThread.session();
  return {
    shared: true,
    async part(bytes, request) {
      const answer = await hashThread.hash(session, bytes, request);
      const result: PartHashResult = { busyMs: answer.busyMs };
      if (answer.md5) result.md5 = answer.md5;
      if (answer.sha256) result.sha256 = answer.sha256;
      if (answer.whole) result.whole = answer.whole;
      return result;
    },
    close: () => hashThread.end(session),
  };
};

/** Parts below this are hashed where they are: a thread's round trip would cost more than it saves. */
const THREAD_MIN_BYTES = 1024 * 1024;

/** A hashing thread in Node for content big enough, else this thread (always, in browsers). */
export const contentHashing = async (size: number): Promise<ContentHashing> => {
  if (!isNode || size < THREAD_MIN_BYTES) return hashingHere();
  try {
    return await hashingOnThread();
  } catch {
    return hashingHere(); // no worker_threads here (some runtimes): hash on this thread
  }
};
