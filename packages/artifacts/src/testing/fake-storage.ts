import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type {
  KeyPage,
  ObjectHeaders,
  ObjectStorage,
  ObjectStream,
  PartToPresign,
  PresignUploadOptions,
  SignedUpload,
  StoredObject,
  StoredPart,
} from "@artifact-store/storage";

/** What the artifacts services call on a bucket; the fake answers all of it from memory. */
type UsedByServices = Pick<
  ObjectStorage,
  | "checksumAlgorithms"
  | "startMultipartUpload"
  | "presignPart"
  | "presignParts"
  | "presignPut"
  | "listParts"
  | "completeMultipartUpload"
  | "abortMultipartUpload"
  | "headObject"
  | "deleteObject"
  | "listKeys"
  | "setObjectTags"
  | "readObject"
  | "getText"
  | "putJson"
  | "putText"
>;

interface FakeObject {
  body: Buffer;
  etag: string;
  contentType: string | undefined;
  lastModified: Date;
  tags: Record<string, string>;
}

interface FakeUpload {
  key: string;
  contentType: string;
  parts: Map<number, Buffer>;
}

const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-<count>`. */
const multipartEtagOf = (parts: readonly Buffer[]): string => {
  const hash = createHash("md5");
  for (const part of parts) hash.update(createHash("md5").update(part).digest());
  return `"${hash.digest("hex")}-${parts.length}"`;
};

/**
 * A bucket in memory that behaves as S3 does where the services depend on it: quoted ETags,
 * a missing upload listed as null, completing from the parts named, keys listed in order.
 * Tests put bytes in as an uploader would (`putObject`, `uploadPart`) and inspect `objects`.
 */
export class FakeStorage implements UsedByServices {
  readonly checksumAlgorithms: ObjectStorage["checksumAlgorithms"] = ["md5"];
  readonly objects = new Map<string, FakeObject>();
  readonly uploads = new Map<string, FakeUpload>();
  /** The storage methods the services called, in order: tests count round trips by them. */
  readonly calls: (keyof UsedByServices)[] = [];
  /** Methods that throw (storage away) until cleared. */
  readonly failing = new Set<keyof UsedByServices>();
  /** Keys a listing page holds at most, so tests can reach a second page. */
  pageSize = 1000;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The fake as the class the services take (it has private fields, so no structural match). */
  get asObjectStorage(): ObjectStorage {
    return this as unknown as ObjectStorage;
  }

  // What uploaders and tests do, straight to the bucket.

  putObject(key: string, body: Buffer | string, lastModified = this.now()): StoredObject {
    const bytes = Buffer.from(body);
    const object: FakeObject = {
      body: bytes,
      etag: `"${md5(bytes)}"`,
      contentType: undefined,
      lastModified,
      tags: {},
    };
    this.objects.set(key, object);
    return { size: bytes.length, etag: object.etag, contentType: undefined, contentDisposition: undefined };
  }

  uploadPart(uploadId: string, partNumber: number, body: Buffer | string): void {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new Error(`no upload ${uploadId}`);
    upload.parts.set(partNumber, Buffer.from(body));
  }

  text(key: string): string | null {
    return this.objects.get(key)?.body.toString("utf8") ?? null;
  }

  // The ObjectStorage surface.

  async startMultipartUpload(key: string, headers: ObjectHeaders): Promise<string> {
    this.check("startMultipartUpload");
    const id = randomUUID();
    this.uploads.set(id, { key, contentType: headers.contentType, parts: new Map() });
    return id;
  }

  async presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    options: PresignUploadOptions,
  ): Promise<SignedUpload> {
    this.check("presignPart");
    return this.signed(`${key}?uploadId=${uploadId}&partNumber=${partNumber}`, options);
  }

  async presignParts(
    key: string,
    uploadId: string,
    parts: readonly PartToPresign[],
    ttlSeconds: number,
  ): Promise<SignedUpload[]> {
    this.check("presignParts");
    return parts.map(({ partNumber, size, checksum }) =>
      this.signed(`${key}?uploadId=${uploadId}&partNumber=${partNumber}`, { size, ttlSeconds, checksum }),
    );
  }

  async presignPut(key: string, stored: ObjectHeaders, options: PresignUploadOptions): Promise<SignedUpload> {
    this.check("presignPut");
    const signed = this.signed(key, options);
    return {
      ...signed,
      headers: {
        ...signed.headers,
        "content-type": stored.contentType,
        "content-disposition": stored.contentDisposition,
      },
    };
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    this.check("listParts");
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) return null;
    return [...upload.parts]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, body]) => ({ partNumber, size: body.length, etag: `"${md5(body)}"` }));
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly StoredPart[],
  ): Promise<string> {
    this.check("completeMultipartUpload");
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) throw new Error("NoSuchUpload");
    const bodies = parts.map((part) => {
      const body = upload.parts.get(part.partNumber);
      if (!body || `"${md5(body)}"` !== part.etag) throw new Error(`InvalidPart ${part.partNumber}`);
      return body;
    });
    const etag = multipartEtagOf(bodies);
    this.uploads.delete(uploadId);
    this.objects.set(key, {
      body: Buffer.concat(bodies),
      etag,
      contentType: upload.contentType,
      lastModified: this.now(),
      tags: {},
    });
    return etag;
  }

  async abortMultipartUpload(_key: string, uploadId: string): Promise<void> {
    this.check("abortMultipartUpload");
    this.uploads.delete(uploadId);
  }

  async headObject(key: string): Promise<StoredObject | null> {
    this.check("headObject");
    const object = this.objects.get(key);
    return object
      ? {
          size: object.body.length,
          etag: object.etag,
          contentType: object.contentType,
          contentDisposition: undefined,
        }
      : null;
  }

  async deleteObject(key: string): Promise<void> {
    this.check("deleteObject");
    this.objects.delete(key);
  }

  async listKeys(prefix: string, continuationToken?: string): Promise<KeyPage> {
    this.check("listKeys");
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    const start = continuationToken ? Number(continuationToken) : 0;
    const page = keys.slice(start, start + this.pageSize);
    const end = start + page.length;
    return {
      keys: page,
      objects: page.map((key) => {
        const object = this.objects.get(key) as FakeObject;
        return { key, size: object.body.length, lastModified: object.lastModified };
      }),
      next: end < keys.length ? String(end) : undefined,
    };
  }

  async setObjectTags(key: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    this.check("setObjectTags");
    const object = this.objects.get(key);
    if (!object) return false;
    object.tags = { ...tags };
    return true;
  }

  async readObject(key: string): Promise<ObjectStream | null> {
    this.check("readObject");
    const object = this.objects.get(key);
    if (!object) return null;
    return { size: object.body.length, etag: object.etag, body: Readable.from([object.body]) };
  }

  async getText(key: string): Promise<string | null> {
    this.check("getText");
    return this.text(key);
  }

  putJson(key: string, value: unknown): Promise<void> {
    return this.putText(key, JSON.stringify(value, null, 2), "application/json");
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    this.check("putText");
    this.putObject(key, body);
    const object = this.objects.get(key) as FakeObject;
    object.contentType = contentType;
  }

  private check(method: keyof UsedByServices): void {
    this.calls.push(method);
    if (this.failing.has(method)) throw new Error(`storage unavailable (${method})`);
  }

  private signed(path: string, options: PresignUploadOptions): SignedUpload {
    const headers: Record<string, string> = options.checksum ? { "content-md5": options.checksum.md5 } : {};
    return { url: `https://storage.test/${path}#size=${options.size}&ttl=${options.ttlSeconds}`, headers };
  }
}
