/**
 * A request sent with XMLHttpRequest, answered as a fetch Response. Browsers show how far a
 * request body got only to XHR (`upload.onprogress`); fetch can stream a body, and so count its
 * pieces, only over HTTP/2, which presigned storage URLs seldom are.
 *
 * Failures look like fetch's: a network error is a TypeError, an abort rejects with the signal's
 * reason, so retries treat both ways alike.
 */
export const sendWithXhr = (
  url: string,
  init: { method?: string; headers?: HeadersInit; body: Uint8Array | Blob },
  signal: AbortSignal,
  onSent: (bytes: number) => void,
): Promise<Response> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    xhr.open(init.method ?? "GET", url);
    xhr.responseType = "arraybuffer";
    new Headers(init.headers).forEach((value, name) => {
      xhr.setRequestHeader(name, value);
    });
    const onAbort = () => xhr.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    xhr.upload.onprogress = (event) => onSent(event.loaded);
    xhr.onload = () => {
      done();
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const empty = [101, 103, 204, 205, 304].includes(xhr.status);
      resolve(
        new Response(empty ? null : (xhr.response as ArrayBuffer), {
          status: xhr.status,
          statusText: xhr.statusText,
          headers,
        }),
      );
    };
    xhr.onerror = () => {
      done();
      reject(new TypeError(`Network error sending ${init.method ?? "GET"} to storage.`));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(signal.reason ?? new DOMException("The request was aborted.", "AbortError"));
    };
    // A view of a bigger buffer would send all of it: XHR takes whole buffers or Blobs.
    const { body } = init;
    xhr.send(body instanceof Blob ? body : new Blob([body as Uint8Array<ArrayBuffer>]));
  });
