import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_SIGNING_PER_MINUTE: "5" });
});
afterAll(() => stack?.close());

const open = (token: string) =>
  stack.api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({ filename: "r.txt", contentType: "text/plain", size: 1 }),
  });

it("signing past the per-principal limit answers 429 with Retry-After, and other callers are unaffected", async () => {
  const busy = await stack.tokenFor("busy-scraper");
  const responses: Response[] = [];
  // Twice the limit: even if the minute window rolls over mid-way, the limit bites in one of them.
  for (let i = 0; i < 12; i += 1) responses.push(await open(busy));
  const statuses = responses.map((response) => response.status);
  expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
  expect(statuses.filter((status) => status === 201).length).toBeLessThanOrEqual(10);

  const limited = responses.find((response) => response.status === 429) as Response;
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });

  expect((await open(await stack.tokenFor("quiet-scraper"))).status).toBe(201);
});
