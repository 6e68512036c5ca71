import type { UploadCreated } from "@artifact-store/api";
import { expect } from "vitest";
import { md5Base64, randomBytesOf, sha256, type TestStack } from "./stack";

/**
 * A single-PUT upload whose bytes reach storage but whose client never calls complete: what
 * storage notifications are there to finish.
 */
export const putWithoutComplete = async (
  stack: TestStack,
  owner: string,
  options: { size: number; declareSha256?: boolean },
): Promise<{ token: string; upload: UploadCreated }> => {
  const token = await stack.tokenFor(owner);
  const bytes = randomBytesOf(options.size);
  const response = await stack.api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({
      filename: "page.html",
      contentType: "text/html",
      size: bytes.length,
      md5: md5Base64(bytes),
      ...(options.declareSha256 === false ? {} : { sha256: sha256(bytes) }),
    }),
  });
  expect(response.status).toBe(201);
  const upload = (await response.json()) as UploadCreated;
  const part = upload.parts[0];
  const put = await fetch(part?.url ?? "", { method: "PUT", headers: part?.headers, body: bytes });
  expect(put.status).toBe(200);
  return { token, upload };
};
