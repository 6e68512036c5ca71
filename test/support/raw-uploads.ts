import type { UploadCreated } from "@artifact-store/api";
import { md5Base64, sha256 } from "./stack";

/** What a raw HTTP caller of the API needs: the stack's `api`, with a bearer token. */
export type ApiCall = (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;

/** Opens an upload over plain HTTP, as a browser or a scraper without the SDK would. */
export const openRawUpload = async (
  api: ApiCall,
  token: string,
  bytes: Uint8Array<ArrayBuffer>,
  { filename = "raw.bin", declareSha256 = true }: { filename?: string; declareSha256?: boolean } = {},
): Promise<UploadCreated> => {
  const response = await api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({
      filename,
      contentType: "application/octet-stream",
      size: bytes.length,
      ...(declareSha256 ? { sha256: sha256(bytes) } : {}),
    }),
  });
  if (response.status !== 201) throw new Error(`open: ${response.status} ${await response.text()}`);
  return (await response.json()) as UploadCreated;
};

/** Signs one part with its MD5 and PUTs it straight to storage; answers storage's status. */
export const sendRawPart = async (
  api: ApiCall,
  token: string,
  created: UploadCreated,
  partNumber: number,
  body: Uint8Array<ArrayBuffer>,
): Promise<number> => {
  const signed = await api(`/v1/uploads/${created.uploadId}/parts`, {
    method: "POST",
    token,
    body: JSON.stringify({ parts: [{ partNumber, md5: md5Base64(body) }] }),
  });
  const { parts } = (await signed.json()) as UploadCreated;
  const part = parts[0];
  if (!part) throw new Error("no part URL");
  // RGW may close a kept-alive connection as the next request starts on it: send again then.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(part.url, { method: "PUT", headers: part.headers, body });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
};

/** The bytes of one part as the upload's plan cuts them. */
export const partOf = (bytes: Uint8Array<ArrayBuffer>, created: UploadCreated, partNumber: number) =>
  bytes.subarray((partNumber - 1) * created.partSize, partNumber * created.partSize);

/** Sends every part of the plan; throws unless storage took each. */
export const sendAllRawParts = async (
  api: ApiCall,
  token: string,
  created: UploadCreated,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<void> => {
  for (let partNumber = 1; partNumber <= created.partCount; partNumber += 1) {
    const status = await sendRawPart(api, token, created, partNumber, partOf(bytes, created, partNumber));
    if (status !== 200) throw new Error(`part ${partNumber}: storage answered ${status}`);
  }
};

/** POST complete; answers the status and the parsed body. */
export const completeRawUpload = async (
  api: ApiCall,
  token: string,
  uploadId: string,
  body?: { sha256: string },
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await api(`/v1/uploads/${uploadId}/complete`, {
    method: "POST",
    token,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};
