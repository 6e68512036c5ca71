import { Readable } from "node:stream";

/** A record value as the SDK uploads it: bytes, or a stream spooled and sent in parts. */
export interface EncodedValue {
  body: Uint8Array | AsyncIterable<Uint8Array>;
  contentType: string;
}

const isStream = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === "object" &&
  value !== null &&
  (typeof (value as { pipe?: unknown }).pipe === "function" ||
    (Symbol.asyncIterator in value && !(value instanceof Uint8Array)));

/**
 * What Crawlee's KeyValueStore hands a client (`setValue` has already turned objects into JSON
 * text): a string, a Buffer or typed array, a stream, or, from callers of the client itself, any
 * JSON value. Content types default as Crawlee's own storage defaults them.
 */
export const encodeValue = (value: unknown, contentType: string | undefined): EncodedValue => {
  if (isStream(value)) return { body: value, contentType: contentType ?? "application/octet-stream" };
  if (value instanceof Uint8Array)
    return { body: value, contentType: contentType ?? "application/octet-stream" };
  if (value instanceof ArrayBuffer) {
    return { body: new Uint8Array(value), contentType: contentType ?? "application/octet-stream" };
  }
  if (ArrayBuffer.isView(value)) {
    return {
      body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
      contentType: contentType ?? "application/octet-stream",
    };
  }
  if (typeof value === "string") {
    return { body: Buffer.from(value, "utf8"), contentType: contentType ?? "text/plain; charset=utf-8" };
  }
  const json = JSON.stringify(value, null, 2);
  if (json === undefined) throw new TypeError("The record value cannot be stored: it has no JSON form.");
  return { body: Buffer.from(json, "utf8"), contentType: contentType ?? "application/json; charset=utf-8" };
};

const mediaType = (contentType: string): string => contentType.split(";")[0]?.trim().toLowerCase() ?? "";

const isJson = (type: string) => type === "application/json" || type.endsWith("+json");
const isText = (type: string) =>
  type.startsWith("text/") ||
  type === "application/xml" ||
  type.endsWith("+xml") ||
  type === "application/javascript";

/** As Crawlee's storages answer `getValue`: JSON parsed, text as a string, anything else a Buffer. */
export const decodeValue = (bytes: Buffer, contentType: string): unknown => {
  const type = mediaType(contentType);
  if (isJson(type)) return JSON.parse(bytes.toString("utf8"));
  if (isText(type)) return bytes.toString("utf8");
  return bytes;
};

/** A fetch body as the Node stream Crawlee's `getRecord(key, { stream: true })` callers expect. */
export const nodeStreamOf = (response: Response): Readable =>
  response.body
    ? Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>)
    : Readable.from([]);
