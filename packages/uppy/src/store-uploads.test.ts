import { afterEach, describe, expect, it, vi } from "vitest";
import { PLAN_META, type StorePlan, type UppyFileLike, type UppyLike } from "./store-uploads";
import { artifactStoreS3v5 } from "./uppy5";
import { artifactStoreS3 } from "./uppy6";

const MiB = 1024 * 1024;

/** Enough of Uppy for the adapter: files with meta, and the preprocessor it registers. */
const fakeUppy = (files: UppyFileLike[]) => {
  const byId = new Map(files.map((file) => [file.id, file]));
  let preprocess: (ids: string[]) => Promise<void> = async () => {};
  const uppy: UppyLike = {
    getFile: (id) => byId.get(id),
    getFiles: () => [...byId.values()],
    setFileMeta: (id, meta) => {
      const file = byId.get(id);
      if (file) file.meta = { ...file.meta, ...meta };
    },
    addPreProcessor: (fn) => {
      preprocess = fn;
    },
    addPostProcessor: () => {},
    log: () => {},
  };
  return { uppy, preprocess: (ids: string[]) => preprocess(ids) };
};

const fileOf = (id: string, size: number, meta: Record<string, unknown> = {}): UppyFileLike => ({
  id,
  name: `${id}.bin`,
  type: "application/octet-stream",
  size,
  // A Blob that claims the size without holding it: the adapter only slices and hashes on upload.
  data: { size, slice: () => new Blob([]), stream: () => new Blob([]).stream() } as unknown as Blob,
  meta,
});

interface Call {
  method: string;
  path: string;
  body?: Record<string, unknown>;
}

/** The store's API as far as opening goes; `partSizeAnswered` lets it disagree with what it was asked. */
const fakeStore = (options: { preferredPartSize: number; partSizeAnswered?: (asked: number) => number }) => {
  const calls: Call[] = [];
  let next = 1;
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    const { pathname, search } = new URL(url);
    const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined;
    calls.push({ method: init.method ?? "GET", path: pathname + search, ...(body ? { body } : {}) });
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
    if (pathname === "/v1/uploads/plan")
      return json(200, { mode: "multipart", preferredPartSize: options.preferredPartSize });
    if (pathname === "/v1/uploads" && init.method === "POST") {
      const size = Number(body?.size);
      const partSize = (options.partSizeAnswered ?? ((asked) => asked))(Number(body?.partSize));
      return json(201, {
        deduplicated: false,
        uploadId: `up-${next++}`,
        artifactId: "a",
        mode: "multipart",
        partSize,
        partCount: Math.ceil(size / partSize),
        checksums: { algorithms: ["md5"], required: true },
        parts: [],
        expiresAt: "",
      });
    }
    if (pathname.startsWith("/v1/uploads/") && init.method === "GET")
      return json(200, { uploadId: pathname.split("/")[3], state: "open", parts: [] });
    if (init.method === "DELETE") return new Response(null, { status: 204 });
    return json(404, { error: { code: "not_found", message: "no such route" } });
  });
  return calls;
};

afterEach(() => vi.unstubAllGlobals());

const connection = { endpoint: "https://api.example.test", token: "t" };

describe.each([
  ["6", artifactStoreS3],
  ["5", artifactStoreS3v5],
] as const)("the Uppy %s adapter's part size", (_major, adapter) => {
  it("is the store's preferred size, told to the store when opening, and what getChunkSize answers", async () => {
    const calls = fakeStore({ preferredPartSize: 6 * MiB });
    const { uppy, preprocess } = fakeUppy([fileOf("a", 30 * MiB), fileOf("b", 100_000 * MiB)]);
    const options = adapter(uppy, connection);
    await preprocess(["a", "b"]);

    const opens = calls.filter((call) => call.path === "/v1/uploads");
    expect(opens.map((call) => [call.body?.size, call.body?.partSize])).toEqual([
      [30 * MiB, 6 * MiB],
      [100_000 * MiB, 10 * MiB], // grown to keep within 10,000 parts
    ]);
    expect(options.getChunkSize({ size: 30 * MiB })).toBe(6 * MiB);
    expect(options.getChunkSize({ size: 100_000 * MiB })).toBe(10 * MiB);
    expect((uppy.getFile("a") as UppyFileLike).meta[PLAN_META]).toMatchObject({
      partSize: 6 * MiB,
      partCount: 5,
    });
  });

  it("is the adapter's own partSize where given", async () => {
    const calls = fakeStore({ preferredPartSize: 5 * MiB });
    const { uppy, preprocess } = fakeUppy([fileOf("a", 30 * MiB)]);
    const options = adapter(uppy, { ...connection, partSize: 8 * MiB });
    await preprocess(["a"]);
    expect(calls.find((call) => call.path === "/v1/uploads")?.body?.partSize).toBe(8 * MiB);
    expect(options.getChunkSize({ size: 30 * MiB })).toBe(8 * MiB);
  });

  it("answers a restored upload's cut where Golden Retriever resumes it past the preprocessor", () => {
    const restored = (id: string, partSize: number, preferredPartSize?: number) =>
      fileOf(id, 30 * MiB, {
        [PLAN_META]: {
          uploadId: id,
          mode: "multipart",
          size: 30 * MiB,
          partSize,
          partCount: Math.ceil((30 * MiB) / partSize),
          ...(preferredPartSize ? { preferredPartSize } : {}),
        },
      });
    expect(
      adapter(fakeUppy([restored("a", 6 * MiB, 6 * MiB)]).uppy, connection).getChunkSize({ size: 40 * MiB }),
    ).toBe(6 * MiB);
    // A plan of an older version of this package, without the preference: its part size is it.
    expect(
      adapter(fakeUppy([restored("b", 7 * MiB)]).uppy, connection).getChunkSize({ size: 30 * MiB }),
    ).toBe(7 * MiB);
    const mixed = adapter(
      fakeUppy([restored("c", 6 * MiB, 6 * MiB), restored("d", 5 * MiB)]).uppy,
      connection,
    );
    expect(() => mixed.getChunkSize({ size: 30 * MiB })).toThrow("cut from different part sizes");
  });

  it("refuses a partSize that is not a number of bytes", () => {
    expect(() => adapter(fakeUppy([]).uppy, { ...connection, partSize: 5.5 * MiB + 0.25 })).toThrow(
      "partSize must be a whole number of bytes",
    );
  });

  it("refuses to start, and aborts the upload, where the store planned other parts than Uppy cuts", async () => {
    const calls = fakeStore({ preferredPartSize: 6 * MiB, partSizeAnswered: () => 5 * MiB });
    const { uppy, preprocess } = fakeUppy([fileOf("a", 30 * MiB)]);
    adapter(uppy, connection);
    await expect(preprocess(["a"])).rejects.toThrow(
      "@artifact-store/uppy cannot upload a.bin: the store planned 5242880-byte parts where Uppy cuts 6291456-byte parts.",
    );
    await vi.waitFor(() =>
      expect(calls.at(-1)).toMatchObject({ method: "DELETE", path: "/v1/uploads/up-1" }),
    );
    expect((uppy.getFile("a") as UppyFileLike).meta[PLAN_META]).toBeUndefined();
  });

  it("resumes an upload opened in today's cut; refuses one opened in another beside a new one of its size", async () => {
    fakeStore({ preferredPartSize: 6 * MiB });
    const planned = (uploadId: string, partSize: number): StorePlan => ({
      uploadId,
      artifactId: "x",
      mode: "multipart",
      size: 30 * MiB,
      partSize,
      partCount: Math.ceil((30 * MiB) / partSize),
      checksums: { algorithms: ["md5"], required: true },
    });
    const { uppy, preprocess } = fakeUppy([
      fileOf("same", 30 * MiB, { [PLAN_META]: planned("kept", 6 * MiB) }),
      fileOf("older", 30 * MiB, { [PLAN_META]: planned("old", 5 * MiB) }),
      fileOf("new", 30 * MiB),
    ]);
    const options = adapter(uppy, connection);
    await expect(preprocess(["same", "older", "new"])).rejects.toThrow(
      "upload old was opened with 5242880-byte parts, but Uppy now cuts 6291456-byte parts; remove the file and add it again.",
    );
    expect((uppy.getFile("same") as UppyFileLike).meta[PLAN_META]).toMatchObject({ uploadId: "kept" });
    await vi.waitFor(() =>
      expect((uppy.getFile("new") as UppyFileLike).meta[PLAN_META]).toMatchObject({ partSize: 6 * MiB }),
    );
    expect(options.getChunkSize({ size: 30 * MiB })).toBe(6 * MiB);
  });
});
