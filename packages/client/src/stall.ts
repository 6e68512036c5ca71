import { StalledRequestError } from "./errors";
import { sendWithXhr } from "./xhr-send";

export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/**
 * Where fetch cannot show how far a request body got (browsers, a fetch of the caller's), the
 * wait for the answer gets this much more time per byte of body on top of the stall timeout: a
 * part on a slow uplink is not taken for a stalled one, and a stalled one is still given up.
 */
const UNOBSERVED_SEND_BYTES_PER_SECOND = 32 * 1024;

/** Request bodies are handed to fetch in pieces this big, each one pulled counting as progress. */
const BODY_CHUNK = 64 * 1024;

/** A signal that aborts when any of these does (AbortSignal.any is missing in older browsers). */
export const anySignal = (signals: readonly (AbortSignal | undefined)[]): AbortSignal => {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 1 && present[0]) return present[0];
  if (typeof AbortSignal.any === "function") return AbortSignal.any(present);
  const combined = new AbortController();
  for (const signal of present) {
    if (signal.aborted) {
      combined.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => combined.abort(signal.reason), {
      once: true,
      signal: combined.signal,
    });
  }
  return combined.signal;
};

/**
 * Aborts one request when nothing moved for the stall timeout. The countdown runs while the
 * request waits on the network (sending, waiting for the answer, waiting for body bytes), and not
 * while it waits on its caller (a response body nobody reads yet).
 */
export class StallWatch {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private deadline = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  private finished = false;
  private stalled: StalledRequestError | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** Named in the error; never a signed URL. */
    private readonly request: string,
    parent?: AbortSignal,
    firstWindowMs = timeoutMs,
  ) {
    this.signal = anySignal([parent, this.controller.signal]);
    this.moved(firstWindowMs);
  }

  /** The stall, once one aborted the request. */
  get stall(): StalledRequestError | undefined {
    return this.stalled;
  }

  /** Bytes moved, or a wait on the network begins: the countdown starts over. */
  moved(windowMs = this.timeoutMs): void {
    if (this.finished) return;
    const now = performance.now();
    this.deadline = now + windowMs;
    // One timer, moved only when the deadline comes sooner: progress is reported per chunk.
    if (this.timer !== undefined && this.timerAt <= this.deadline) return;
    clearTimeout(this.timer);
    this.schedule(windowMs);
  }

  /** The request waits on its caller, not the network: no countdown until the next `moved`. */
  idle(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The request is over, one way or another. */
  finish(): void {
    this.idle();
    this.finished = true;
  }

  private schedule(ms: number): void {
    this.timerAt = performance.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const left = this.deadline - performance.now();
      if (left > 0) return this.schedule(left);
      this.finished = true;
      this.stalled = new StalledRequestError(this.request, this.timeoutMs);
      this.controller.abort(this.stalled);
    }, ms);
  }
}

export interface StallOptions {
  stallTimeoutMs: number;
  /**
   * Hand request bodies to fetch as streams, so each piece it pulls shows progress. Node's own
   * fetch takes them (duplex "half"); browsers stream request bodies only over HTTP/2, and a fetch
   * of the caller's may expect the bytes as they are.
   */
  streamBodies: boolean;
  /**
   * Send bodies with XMLHttpRequest, which shows how far each got (browsers, with their own
   * fetch): progress and the stall countdown move as the body goes out, not only at the end.
   */
  xhrBodies?: boolean;
}

export type WatchedInit = Omit<RequestInit, "body" | "signal"> & { body?: Uint8Array | Blob | string };

/**
 * fetch, given up with a StalledRequestError when nothing moves for the stall timeout: no byte of
 * the body pulled, no answer, or (while the returned body is read) no byte of the answer.
 */
export const fetchWithStallTimeout = async (
  fetchImpl: typeof fetch,
  url: string,
  init: WatchedInit,
  options: StallOptions & {
    request: string;
    signal?: AbortSignal | undefined;
    /** Bytes of the body sent so far; called only for streamed bodies and bodies sent with XHR. */
    onSent?: ((bytes: number) => void) | undefined;
  },
): Promise<Response> => {
  const { body } = init;
  const size =
    typeof body === "string" || body === undefined ? 0 : "byteLength" in body ? body.byteLength : body.size;
  const streamed = options.streamBodies && size > 0 && body !== undefined && typeof body !== "string";
  const viaXhr =
    !streamed && options.xhrBodies === true && size > 0 && body !== undefined && typeof body !== "string";
  const firstWindowMs =
    streamed || viaXhr
      ? options.stallTimeoutMs
      : options.stallTimeoutMs + (size / UNOBSERVED_SEND_BYTES_PER_SECOND) * 1000;
  const watch = new StallWatch(options.stallTimeoutMs, options.request, options.signal, firstWindowMs);
  if (viaXhr) {
    try {
      // XHR has the whole answer by the time it resolves: nothing left to watch.
      return await sendWithXhr(url, { ...init, body }, watch.signal, (sent) => {
        watch.moved();
        options.onSent?.(sent);
      });
    } catch (error) {
      throw watch.stall ?? error;
    } finally {
      watch.finish();
    }
  }
  let response: Response;
  try {
    response = await fetchImpl(url, {
      ...init,
      ...(streamed
        ? {
            body: progressStream(body, (sent) => {
              watch.moved();
              options.onSent?.(sent);
            }),
            duplex: "half",
            // Storage wants the length up front; a stream body would otherwise go chunked.
            headers: withContentLength(init.headers, size),
          }
        : { body: unshared(body) as BodyInit | undefined }),
      signal: watch.signal,
    } as RequestInit);
  } catch (error) {
    watch.finish();
    throw watch.stall ?? error;
  }
  if (!response.body || NULL_BODY_STATUSES.has(response.status)) {
    watch.finish();
    return response;
  }
  watch.idle();
  return new Response(watchedBody(response.body, watch), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
};

/** fetch refuses a body in shared memory (where the hashing thread read a part); a stream of it is fine. */
const unshared = (body: WatchedInit["body"]): WatchedInit["body"] =>
  body instanceof Uint8Array &&
  typeof SharedArrayBuffer !== "undefined" &&
  body.buffer instanceof SharedArrayBuffer
    ? body.slice()
    : body;

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const withContentLength = (headers: HeadersInit | undefined, size: number): Headers => {
  const merged = new Headers(headers);
  if (!merged.has("content-length")) merged.set("content-length", String(size));
  return merged;
};

/**
 * The body in pieces, each one read only when fetch pulls it (as the socket takes the one before),
 * reported as progress with the bytes handed over so far.
 */
const progressStream = (
  body: Uint8Array | Blob,
  moved: (sent: number) => void,
): ReadableStream<Uint8Array> => {
  const size = body instanceof Uint8Array ? body.byteLength : body.size;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent >= size) {
          moved(sent);
          return controller.close();
        }
        const end = Math.min(size, sent + BODY_CHUNK);
        const piece =
          body instanceof Uint8Array
            ? body.subarray(sent, end)
            : new Uint8Array(await body.slice(sent, end).arrayBuffer());
        sent = end;
        moved(sent);
        controller.enqueue(piece);
      },
    },
    // Nothing read ahead: a pull means the socket took the piece before.
    { highWaterMark: 0 },
  );
};

/** The response body, with the countdown running only while its reader waits for bytes. */
const watchedBody = (body: ReadableStream<Uint8Array>, watch: StallWatch): ReadableStream<Uint8Array> => {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        watch.moved();
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          watch.finish();
          throw watch.stall ?? error;
        }
        if (next.done) {
          watch.finish();
          controller.close();
          return;
        }
        watch.idle();
        controller.enqueue(next.value);
      },
      cancel(reason) {
        watch.finish();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
};
