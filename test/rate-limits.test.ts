import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  for (let i = 0; i < 12; i += 1) responses.push(await open(busy));
  const statuses = responses.map((response) => response.status);
  expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
  // The window slides: even if a minute boundary falls mid-way, no more than the limit gets through.
  expect(statuses.filter((status) => status === 201).length).toBe(5);

  const limited = responses.find((response) => response.status === 429) as Response;
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  // Into the next window at most: by then the weight of these hits has faded enough for one more.
  expect(retryAfter).toBeLessThanOrEqual(120);
  expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });

  expect((await open(await stack.tokenFor("quiet-scraper"))).status).toBe(201);
});

it("a batch counts as many signing requests as it has items, so it is no way around the limit", async () => {
  const batcher = await stack.tokenFor(`batcher-${randomUUID().slice(0, 8)}`);
  const batch = (count: number) =>
    stack.api("/v1/uploads/batch", {
      method: "POST",
      token: batcher,
      body: JSON.stringify({
        uploads: Array.from({ length: count }, (_, n) => ({
          filename: `b${n}.txt`,
          contentType: "text/plain",
          size: 1,
        })),
      }),
    });
  // Six items are more than the five a minute allows, as six single opens would be.
  expect((await batch(6)).status).toBe(429);
  expect((await batch(3)).status).toBe(200);
  const over = await batch(3);
  expect(over.status).toBe(429);
  expect(await over.json()).toMatchObject({ error: { code: "rate_limited" } });
});

describe("the signing window slides (clock injected, on the catalogue itself)", () => {
  const LIMIT = { hits: 10, windowSeconds: 60 };
  // A minute boundary, where a fixed window would start counting from zero again.
  const BOUNDARY = Date.UTC(2031, 0, 1, 12, 0, 0);
  const at = (offsetMs: number) => new Date(BOUNDARY + offsetMs);
  const hit = (principal: string, when: Date) => stack.runtime.rateLimits.hit(principal, LIMIT, when);
  const admittedOf = async (principal: string, attempts: number, when: Date) => {
    let admitted = 0;
    for (let i = 0; i < attempts; i += 1) if ((await hit(principal, when)).admitted) admitted += 1;
    return admitted;
  };

  it("lets no more than the limit through in a burst across a window boundary", async () => {
    const principal = `burst-${randomUUID()}`;
    const before = await admittedOf(principal, 2 * LIMIT.hits, at(-1000));
    const after = await admittedOf(principal, 2 * LIMIT.hits, at(1000));
    // A fixed window admitted 10 + 10 here, two seconds apart.
    expect({ before, after, total: before + after }).toEqual({ before: 10, after: 0, total: 10 });
  });

  it("frees the limit again as the previous window's hits fade", async () => {
    const principal = `fade-${randomUUID()}`;
    expect(await admittedOf(principal, 2 * LIMIT.hits, at(-1000))).toBe(10);
    // Half-way through the next minute, half of those hits still count.
    expect(await admittedOf(principal, 2 * LIMIT.hits, at(30_000))).toBe(5);
    // Two minutes on, none do.
    expect(await admittedOf(principal, 2 * LIMIT.hits, at(120_000))).toBe(10);
  });

  it("answers a Retry-After after which the next request is admitted", async () => {
    const principal = `retry-${randomUUID()}`;
    await admittedOf(principal, LIMIT.hits, at(-1000));
    const refused = await hit(principal, at(1000));
    // 10 hits weighted 59/60 leave room for one more once their weight is 9: 5 s later.
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 5 });
    expect((await hit(principal, at(1000 + 4_900))).admitted).toBe(false);
    expect((await hit(principal, at(1000 + 5_100))).admitted).toBe(true);
  });

  it("admits exactly the limit of concurrent requests, and other principals are unaffected", async () => {
    const principal = `crowd-${randomUUID()}`;
    const decisions = await Promise.all(Array.from({ length: 30 }, () => hit(principal, at(5_000))));
    expect(decisions.filter((decision) => decision.admitted)).toHaveLength(10);
    expect((await hit(`other-${randomUUID()}`, at(5_000))).admitted).toBe(true);
  });
});
