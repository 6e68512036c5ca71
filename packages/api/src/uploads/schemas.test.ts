import { createHash } from "node:crypto";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CreateUploadBody, SignPartsBody } from "./schemas";

const md5 = (text: string) => createHash("md5").update(text).digest("base64");
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64");

const issuesOf = (schema: v.GenericSchema, input: unknown) =>
  v.safeParse(schema, input).issues?.map((issue) => issue.message) ?? [];

describe("part checksums in signing requests", () => {
  it("takes parts with their base64 MD5, and SHA-256 where given", () => {
    const body = {
      parts: [
        { partNumber: 1, md5: md5("a") },
        { partNumber: 2, md5: md5("b"), sha256: sha256("b") },
      ],
    };
    expect(v.parse(SignPartsBody, body)).toEqual(body);
  });

  it("still takes bare part numbers (refused later where checksums are required)", () => {
    expect(v.parse(SignPartsBody, { partNumbers: [1, 2] })).toEqual({ partNumbers: [1, 2] });
  });

  it("wants exactly one of parts and partNumbers", () => {
    expect(issuesOf(SignPartsBody, {})).toEqual(["must give either parts (with checksums) or partNumbers"]);
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 1, md5: md5("a") }], partNumbers: [1] })).toEqual([
      "must give either parts (with checksums) or partNumbers",
    ]);
  });

  it.each([
    ["hexadecimal", createHash("md5").update("a").digest("hex")],
    ["too short", md5("a").slice(2)],
    ["not canonical base64", `${md5("a").slice(0, 21)}h==`],
    ["base64url", `_${md5("a").slice(1)}`],
  ])("refuses an MD5 that is %s", (_label, bad) => {
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 1, md5: bad }] })).toEqual([
      "must be the base64 of a 16-byte MD5 digest",
    ]);
  });

  it("refuses a SHA-256 that is not base64 of 32 bytes", () => {
    const hex = createHash("sha256").update("a").digest("hex");
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 1, md5: md5("a"), sha256: hex }] })).toEqual([
      "must be the base64 of a 32-byte SHA-256 digest",
    ]);
  });

  it("refuses a part named twice, out of range, or with unknown fields", () => {
    const twice = [
      { partNumber: 3, md5: md5("a") },
      { partNumber: 3, md5: md5("b") },
    ];
    expect(issuesOf(SignPartsBody, { parts: twice })).toEqual(["must name each part once"]);
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 0, md5: md5("a") }] })).toHaveLength(1);
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 10_001, md5: md5("a") }] })).toHaveLength(1);
    expect(issuesOf(SignPartsBody, { parts: [{ partNumber: 1, md5: md5("a"), crc32: "x" }] })).toHaveLength(
      1,
    );
  });
});

describe("checksums when an upload opens", () => {
  const open = { filename: "a.bin", contentType: "application/octet-stream", size: 1 };

  it("takes the whole content's MD5 and the checksums of first parts", () => {
    const body = { ...open, md5: md5("a"), parts: [{ partNumber: 1, md5: md5("a") }] };
    expect(v.parse(CreateUploadBody, body)).toEqual(body);
  });

  it("needs neither", () => {
    expect(v.parse(CreateUploadBody, open)).toEqual(open);
  });

  it("refuses a malformed MD5", () => {
    expect(issuesOf(CreateUploadBody, { ...open, md5: "not-an-md5" })).toEqual([
      "must be the base64 of a 16-byte MD5 digest",
    ]);
  });
});
