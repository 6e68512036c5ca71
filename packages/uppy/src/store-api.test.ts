import { afterEach, describe, expect, it, vi } from "vitest";
import { StoreApi, StoreApiError } from "./store-api";

const noWait = async () => {};
const api = () => new StoreApi({ endpoint: "https://api.example.test/", token: async () => "t0k" }, noWait);

const answer = (status: number, body: string, statusText = "", type = "application/json") =>
  new Response(body, { status, statusText, headers: { "content-type": type } });

const stubFetch = (...answers: (Response | Error)[]) => {
  const fetch = vi.fn(async () => {
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    if (next instanceof Error) throw next;
    return next;
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
};

afterEach(() => vi.unstubAllGlobals());

const STATUS = { uploadId: "u1", state: "open", parts: [] };

describe("StoreApi", () => {
  it("reports a gateway's HTML error page by its status, after trying three times", async () => {
    const html = () => answer(502, "<html><body>Bad Gateway</body></html>", "Bad Gateway", "text/html");
    const fetch = stubFetch(html(), html(), html());
    const failure = await api()
      .status("u1")
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreApiError);
    expect(failure).toMatchObject({
      status: 502,
      code: "http_error",
      message: "GET /v1/uploads/u1: 502 Bad Gateway",
    });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("answers once a 503, a 429 or a lost connection passes", async () => {
    const fetch = stubFetch(
      answer(503, '{"error":{"code":"unavailable","message":"busy"}}'),
      new TypeError("Failed to fetch"),
      answer(200, JSON.stringify(STATUS)),
    );
    expect(await api().status("u1")).toEqual(STATUS);
    expect(fetch).toHaveBeenCalledTimes(3);
    stubFetch(answer(429, "{}"), answer(201, '{"uploadId":"u2"}'));
    expect(await api().createUpload({ filename: "a", contentType: "b", size: 1, multipart: false })).toEqual({
      uploadId: "u2",
    });
  });

  it("does not ask again what the store refused, and keeps its code", async () => {
    const fetch = stubFetch(
      answer(400, '{"error":{"code":"invalid_request","message":"partSize too small"}}'),
    );
    await expect(api().complete("u1", "a".repeat(64))).rejects.toMatchObject({
      status: 400,
      code: "invalid_request",
      message: "POST /v1/uploads/u1/complete: 400 partSize too small",
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("sends the token the provider answers, and the plan's size", async () => {
    const fetch = stubFetch(answer(200, '{"mode":"multipart"}'));
    await api().plan(42);
    expect(fetch).toHaveBeenCalledWith("https://api.example.test/v1/uploads/plan?size=42", {
      method: "GET",
      headers: { accept: "application/json", authorization: "Bearer t0k" },
    });
  });
});
