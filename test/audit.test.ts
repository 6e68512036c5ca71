import { verifySegmentLines } from "@artifact-store/audit";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ AUDIT_SEGMENT_SIZE: "5", AUDIT_SEGMENT_MAX_AGE_SECONDS: "3600" });
  admin = await stack.tokenFor("audit-admin", ["admin"]);
});
afterAll(() => stack?.close());

interface Event {
  seq: number;
  actor: string;
  action: string;
  artifactId: string | null;
  uploadId: string | null;
  outcome: string;
  status: number;
  reason: string | null;
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
}

const query = async (params: Record<string, string>) => {
  const response = await stack.api(`/v1/audit?${new URLSearchParams(params)}`, { token: admin });
  expect(response.status).toBe(200);
  return (await response.json()) as { events: Event[]; nextCursor: string | null };
};

describe("every operation, allowed or denied, is on the trail", () => {
  it("records who did what to which artifact, the outcome and why, with request id and address", async () => {
    const owner = await stack.clientFor("audited-owner");
    const artifact = await owner.upload(randomBytesOf(10), { filename: "watched.bin" });
    const stranger = await stack.tokenFor("audited-stranger");
    const denied = await stack.api(`/v1/artifacts/${artifact.id}`, {
      token: stranger,
      headers: { "user-agent": "nosy-bot/1.0" },
    });
    expect(denied.status).toBe(404);

    const { events } = await query({ artifactId: artifact.id });
    const summary = events
      .map((event) => `${event.actor} ${event.action} ${event.outcome} ${event.status}`)
      .reverse();
    expect(summary).toEqual([
      "user:audited-owner createUpload allowed 201",
      "user:audited-owner completeUpload allowed 200",
      "user:audited-stranger getArtifact denied 404",
    ]);
    const refusal = events[0] as Event;
    expect(refusal).toMatchObject({
      reason: "artifact_not_found",
      requestId: denied.headers.get("x-request-id"),
      sourceIp: "127.0.0.1",
      userAgent: "nosy-bot/1.0",
    });
    expect(events.find((event) => event.action === "createUpload")?.uploadId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("records refusals before authentication too, as anonymous", async () => {
    const bad = await stack.api("/v1/uploads", {
      method: "POST",
      token: "not-a-token",
      body: JSON.stringify({ filename: "a", contentType: "text/plain", size: 1 }),
    });
    expect(bad.status).toBe(401);
    const { events } = await query({ action: "createUpload", outcome: "denied", limit: "5" });
    expect(
      events.some(
        (event) => event.requestId === bad.headers.get("x-request-id") && event.actor === "anonymous",
      ),
    ).toBe(true);
    expect(events.find((event) => event.requestId === bad.headers.get("x-request-id"))?.reason).toBe(
      "token_invalid",
    );
  });

  it("pages with a cursor, newest first, never repeating an event", async () => {
    const first = await query({ limit: "2" });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await query({ limit: "2", cursor: first.nextCursor ?? "" });
    const seqs = [...first.events, ...second.events].map((event) => event.seq);
    expect(new Set(seqs).size).toBe(4);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it("is for admins only", async () => {
    const response = await stack.api("/v1/audit", { token: await stack.tokenFor("curious-user") });
    expect(response.status).toBe(403);
  });
});

describe("tamper evidence", () => {
  it("verifies the chain, and names the first edited event", async () => {
    const clean = (await (await stack.api("/v1/audit/verify", { token: admin })).json()) as {
      ok: boolean;
      checked: number;
    };
    expect(clean.ok).toBe(true);
    expect(clean.checked).toBeGreaterThan(3);

    const db = stack.runtime.catalog.db;
    const [victim] = await db.query<{ seq: string; actor: string }>(
      "select seq, actor from audit_events where actor = 'user:audited-stranger' order by seq limit 1",
    );
    const edit = async (actor: string) => {
      await db.exec("alter table audit_events disable trigger audit_events_no_change");
      await db.query("update audit_events set actor = $1 where seq = $2", [actor, victim?.seq]);
      await db.exec("alter table audit_events enable trigger audit_events_no_change");
    };
    await expect(db.query("delete from audit_events where seq = $1", [victim?.seq])).rejects.toThrow(
      /append-only/,
    );
    await edit("user:someone-innocent");
    try {
      const report = (await (await stack.api("/v1/audit/verify", { token: admin })).json()) as {
        ok: boolean;
        firstBreak: { seq: number; reason: string };
      };
      expect(report.ok).toBe(false);
      expect(report.firstBreak.seq).toBe(Number(victim?.seq));
      expect(report.firstBreak.reason).toMatch(/edited/);
    } finally {
      await edit(victim?.actor ?? ""); // other test files share this trail on PostgreSQL
    }
    expect(
      ((await (await stack.api("/v1/audit/verify", { token: admin })).json()) as { ok: boolean }).ok,
    ).toBe(true);
  });

  it("exports closed segments to the bucket, where they verify on their own", async () => {
    const response = await stack.api("/v1/audit/export", { method: "POST", token: admin });
    expect(response.status).toBe(200);
    const { exported } = (await response.json()) as {
      exported: { fromSeq: number; toSeq: number; key: string }[];
    };
    expect(exported.length).toBeGreaterThan(0);
    const first = exported[0] as { fromSeq: number; toSeq: number; key: string };
    expect(first.toSeq - first.fromSeq + 1).toBe(5);
    const object = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: first.key }));
    const lines = (await object.Body?.transformToString())?.trim().split("\n") ?? [];
    expect(lines).toHaveLength(5);
    const expectedPrev =
      first.fromSeq === 1
        ? "0".repeat(64)
        : ((
            await stack.runtime.catalog.db.query<{ hash: string }>(
              "select hash from audit_events where seq = $1",
              [first.fromSeq - 1],
            )
          )[0]?.hash ?? "");
    expect(verifySegmentLines(lines, expectedPrev).ok).toBe(true);

    const again = (await (await stack.api("/v1/audit/export", { method: "POST", token: admin })).json()) as {
      exported: { fromSeq: number }[];
    };
    expect(again.exported.map((segment) => segment.fromSeq)).not.toContain(first.fromSeq);
  });
});
