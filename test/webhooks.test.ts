import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { CreatedWebhook, WebhookDeliveryView, WebhookView } from "@artifact-store/api";
import { Reconciler } from "@artifact-store/artifacts";
import type { WebhookPayload } from "@artifact-store/core";
import { integrityOf } from "@artifact-store/runtime";
import { storageOf, verifierOf } from "@artifact-store/runtime/storage";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { Webhook } from "standardwebhooks";
import type * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// Signed callbacks out: every state change is written to an outbox with the change itself and
// delivered, signed per Standard Webhooks, to the subscriptions it matches. Delivery sweeps the
// whole outbox, so the stack has a database of its own.

const run = randomUUID().slice(0, 8);
const stacks: TestStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.close()));
});

interface Received {
  path: string;
  webhookId: string;
  type: string;
  artifactId: string;
}

/** A subscriber on loopback that checks every signature with the library, as a real one would. */
const startReceiver = async () => {
  const secrets = new Map<string, string>();
  const accepted: Received[] = [];
  const rejected: string[] = [];
  let down = false;
  let refusedWhileDown = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      if (down) {
        refusedWhileDown += 1;
        response.writeHead(503).end("down for maintenance");
        return;
      }
      try {
        const payload = new Webhook(secrets.get(path) ?? "").verify(
          Buffer.concat(chunks).toString("utf8"),
          request.headers as Record<string, string>,
        ) as WebhookPayload;
        accepted.push({
          path,
          webhookId: String(request.headers["webhook-id"]),
          type: payload.type,
          artifactId: String(payload.data.artifactId),
        });
        response.writeHead(204).end();
      } catch {
        rejected.push(path);
        response.writeHead(401).end("signature rejected");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path: string) => `${base}${path}`,
    secrets,
    accepted,
    rejected,
    at: (path: string) => accepted.filter((message) => message.path === path),
    setDown: (value: boolean) => {
      down = value;
    },
    refusedWhileDown: () => refusedWhileDown,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const subscribe = async (
  stack: TestStack,
  token: string,
  receiver: Receiver,
  path: string,
  body: Record<string, unknown>,
) => {
  const response = await stack.api("/v1/webhooks", {
    method: "POST",
    token,
    body: JSON.stringify({ url: receiver.url(path), ...body }),
  });
  const created = (await response.json()) as v.InferOutput<typeof CreatedWebhook>;
  expect(response.status, JSON.stringify(created)).toBe(201);
  expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  receiver.secrets.set(path, created.secret);
  return created;
};

const deliveriesOf = async (stack: TestStack, token: string, webhookId: string) => {
  const response = await stack.api(`/v1/webhooks/${webhookId}/deliveries`, { token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: WebhookDeliveryView[] }).deliveries;
};

describe("webhooks", () => {
  let stack: TestStack;
  let receiver: Receiver;
  beforeAll(async () => {
    // What `npm start` allows: a receiver on this machine, nothing else inside.
    stack = await startTestStack(
      { WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.0/8,::1/128" },
      { ownDatabase: true },
    );
    stacks.push(stack);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it("sends signed events for completion, verification and deletion, only as subscribed", async () => {
    const ownerId = `hook-owner-${run}`;
    const token = await stack.tokenFor(ownerId);
    const owner = await stack.clientFor(ownerId);
    const all = ["artifact.available", "artifact.verified", "artifact.corrupt", "artifact.deleted"];
    const tagged = await subscribe(stack, token, receiver, "/tagged", {
      events: all,
      filters: { tags: ["crawl:a"] },
    });
    await subscribe(stack, token, receiver, "/other-tag", { events: all, filters: { tags: ["crawl:b"] } });
    await subscribe(stack, token, receiver, "/images", { events: all, filters: { contentType: "image/*" } });
    await subscribe(stack, token, receiver, "/job", {
      events: ["artifact.available"],
      filters: { jobId: "job-7" },
    });

    const page = await owner.upload(randomBytesOf(1024), {
      filename: "page.html",
      contentType: "text/html",
      tags: ["crawl:a", "site:x"],
    });
    const untagged = await owner.upload(randomBytesOf(512), {
      filename: "other.txt",
      contentType: "text/plain",
    });
    expect(page.state).toBe("verified");
    const deleted = await stack.api(`/v1/artifacts/${page.id}`, { method: "DELETE", token });
    expect(deleted.status).toBe(204);

    expect(await webhooksOf(stack.runtime).deliverDue()).toEqual({ delivered: 3, retrying: 0, failed: 0 });
    expect(receiver.rejected).toEqual([]);
    expect(receiver.at("/tagged").map((message) => [message.type, message.artifactId])).toEqual([
      ["artifact.available", page.id],
      ["artifact.verified", page.id],
      ["artifact.deleted", page.id],
    ]);
    for (const path of ["/other-tag", "/images", "/job"]) expect(receiver.at(path)).toEqual([]);
    expect(receiver.accepted.some((message) => message.artifactId === untagged.id)).toBe(false);

    // A forged message (signed with another secret) is refused by the receiver's check.
    const forger = new Webhook(`whsec_${Buffer.from("not the subscription's secret").toString("base64")}`);
    const body = JSON.stringify({ type: "artifact.deleted", timestamp: new Date().toISOString(), data: {} });
    const now = new Date();
    const forged = await fetch(receiver.url("/tagged"), {
      method: "POST",
      body,
      headers: {
        "webhook-id": "msg_forged",
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": forger.sign("msg_forged", now, body),
      },
    });
    expect(forged.status).toBe(401);
    expect(receiver.rejected).toEqual(["/tagged"]);

    // The attempt log, and the secret never again.
    const deliveries = await deliveriesOf(stack, token, tagged.id);
    expect(deliveries.map((delivery) => delivery.eventType)).toEqual([
      "artifact.deleted",
      "artifact.verified",
      "artifact.available",
    ]);
    for (const delivery of deliveries) {
      expect(delivery.state).toBe("delivered");
      expect(delivery.attemptLog).toHaveLength(1);
      expect(delivery.attemptLog[0]?.status).toBe(204);
    }
    const listed = await stack.api("/v1/webhooks", { token });
    const { webhooks } = (await listed.json()) as { webhooks: WebhookView[] };
    expect(webhooks.map((webhook) => webhook.id)).toContain(tagged.id);
    expect(JSON.stringify(webhooks)).not.toContain(tagged.secret);
  });

  it("retries with backoff while the receiver is down: every event arrives once, in order per artifact", async () => {
    const ownerId = `hook-outage-${run}`;
    const token = await stack.tokenFor(ownerId);
    const owner = await stack.clientFor(ownerId);
    const webhook = await subscribe(stack, token, receiver, "/outage", {
      events: ["artifact.available", "artifact.verified", "artifact.deleted"],
    });
    receiver.setDown(true);
    const artifacts = await Promise.all(
      [0, 1, 2].map((index) => owner.upload(randomBytesOf(700 + index), { filename: `a${index}.bin` })),
    );
    const gone = artifacts[0]?.id as string;
    expect((await stack.api(`/v1/artifacts/${gone}`, { method: "DELETE", token })).status).toBe(204);

    // The delivery job on a clock of the test's own, an hour per run: retries come due.
    let clock = Date.now();
    const tick = async () => {
      const result = await webhooksOf(stack.runtime).deliverDue(new Date(clock));
      clock += 3600_000;
      return result;
    };
    for (let round = 0; round < 3; round += 1) {
      const result = await tick();
      expect(result.delivered).toBe(0);
      expect(result.retrying).toBeGreaterThan(0);
    }
    // Only the earliest event of each artifact was tried: later ones wait behind it.
    expect(receiver.refusedWhileDown()).toBe(9);
    const during = await deliveriesOf(stack, token, webhook.id);
    expect(during.every((delivery) => delivery.state === "pending")).toBe(true);
    const tried = during.filter((delivery) => delivery.attemptLog.length > 0);
    expect(tried.map((delivery) => delivery.eventType)).toEqual(Array(3).fill("artifact.available"));
    expect(tried[0]?.attemptLog.map((attempt) => attempt.status)).toEqual([503, 503, 503]);
    expect(tried[0]?.attemptLog[0]?.responseExcerpt).toBe("down for maintenance");

    receiver.setDown(false);
    for (let round = 0; round < 5 && receiver.at("/outage").length < 7; round += 1) await tick();

    const arrived = receiver.at("/outage");
    expect(arrived).toHaveLength(7);
    expect(new Set(arrived.map((message) => message.webhookId)).size).toBe(7);
    for (const artifact of artifacts) {
      const types = arrived
        .filter((message) => message.artifactId === artifact.id)
        .map((message) => message.type);
      expect(types).toEqual(
        artifact.id === gone
          ? ["artifact.available", "artifact.verified", "artifact.deleted"]
          : ["artifact.available", "artifact.verified"],
      );
    }
    const after = await deliveriesOf(stack, token, webhook.id);
    expect(after.every((delivery) => delivery.state === "delivered")).toBe(true);

    // Redelivery sends the same message again, under the same webhook-id.
    const again = after[0] as WebhookDeliveryView;
    const requeued = await stack.api(`/v1/webhooks/deliveries/${again.id}/redeliver`, {
      method: "POST",
      token,
    });
    expect(requeued.status).toBe(200);
    expect(((await requeued.json()) as WebhookDeliveryView).state).toBe("pending");
    await webhooksOf(stack.runtime).deliverDue();
    expect(receiver.at("/outage").filter((message) => message.webhookId === again.id)).toHaveLength(2);
  });

  it("pauses a subscription whose deliveries keep failing, and says why", async () => {
    const ownerId = `hook-pause-${run}`;
    const token = await stack.tokenFor(ownerId);
    const owner = await stack.clientFor(ownerId);
    const webhook = await subscribe(stack, token, receiver, "/never", { events: ["artifact.available"] });
    receiver.setDown(true);
    try {
      await Promise.all(
        [0, 1, 2, 3, 4].map((index) =>
          owner.upload(randomBytesOf(300 + index), { filename: `p${index}.bin` }),
        ),
      );
      let clock = Date.now();
      for (let round = 0; round < 12; round += 1) {
        await webhooksOf(stack.runtime).deliverDue(new Date(clock));
        clock += 12 * 3600_000;
      }
    } finally {
      receiver.setDown(false);
    }
    const listed = await stack.api("/v1/webhooks", { token });
    const paused = ((await listed.json()) as { webhooks: WebhookView[] }).webhooks.find(
      (candidate) => candidate.id === webhook.id,
    );
    expect(paused?.state).toBe("paused");
    expect(paused?.pausedReason).toMatch(/HTTP 503/);
    const resumed = await stack.api(`/v1/webhooks/${webhook.id}/resume`, { method: "POST", token });
    expect(((await resumed.json()) as WebhookView).state).toBe("active");
  });

  it("tells of uploads that expired, not of those their uploader aborted", async () => {
    const ownerId = `hook-expiry-${run}`;
    const token = await stack.tokenFor(ownerId);
    await subscribe(stack, token, receiver, "/expired", { events: ["upload.expired", "artifact.deleted"] });
    const open = async (filename: string) => {
      const response = await stack.api("/v1/uploads", {
        method: "POST",
        token,
        body: JSON.stringify({ filename, contentType: "application/octet-stream", size: 20 * MiB }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { uploadId: string; artifactId: string };
    };
    const expiring = await open("expiring.bin");
    const aborted = await open("aborted.bin");
    expect((await stack.api(`/v1/uploads/${aborted.uploadId}`, { method: "DELETE", token })).status).toBe(
      204,
    );
    // The reconciler, two days on: the open session is past its expiry.
    const later = () => new Date(Date.now() + 2 * 86_400_000);
    await new Reconciler(
      integrityOf(stack.runtime),
      stack.runtime.catalog,
      storageOf(stack.runtime),
      verifierOf(stack.runtime),
      { deleteOrphansAfterSeconds: null },
      later,
    ).run();

    await webhooksOf(stack.runtime).deliverDue(later());
    expect(receiver.at("/expired").map((message) => [message.type, message.artifactId])).toEqual([
      ["upload.expired", expiring.artifactId],
    ]);
  });

  it("keeps subscriptions to their owner (and admins)", async () => {
    const mine = await stack.tokenFor(`hook-mine-${run}`);
    const theirs = await stack.tokenFor(`hook-theirs-${run}`);
    const admin = await stack.tokenFor(`hook-admin-${run}`, ["admin"]);
    const webhook = await subscribe(stack, mine, receiver, "/private", { events: ["artifact.deleted"] });

    const listed = await stack.api("/v1/webhooks", { token: theirs });
    expect(((await listed.json()) as { webhooks: WebhookView[] }).webhooks).toEqual([]);
    const spying = await stack.api(`/v1/webhooks?createdBy=hook-mine-${run}`, { token: theirs });
    expect(spying.status).toBe(403);
    expect((await stack.api(`/v1/webhooks/${webhook.id}`, { method: "DELETE", token: theirs })).status).toBe(
      404,
    );
    expect((await stack.api(`/v1/webhooks/${webhook.id}/deliveries`, { token: theirs })).status).toBe(404);
    const everyone = await stack.api("/v1/webhooks", { token: admin });
    expect(
      ((await everyone.json()) as { webhooks: WebhookView[] }).webhooks.map((hook) => hook.id),
    ).toContain(webhook.id);
    const otherOwner = await stack.api("/v1/webhooks", {
      method: "POST",
      token: theirs,
      body: JSON.stringify({
        url: receiver.url("/x"),
        events: ["artifact.deleted"],
        owner: `hook-mine-${run}`,
      }),
    });
    expect(otherOwner.status).toBe(403);
    expect((await stack.api(`/v1/webhooks/${webhook.id}`, { method: "DELETE", token: mine })).status).toBe(
      204,
    );
    const gone = await stack.api("/v1/webhooks", { token: mine });
    expect(((await gone.json()) as { webhooks: WebhookView[] }).webhooks).toEqual([]);
  });
});

describe("webhook targets without the private-address allowance", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" });
    stacks.push(stack);
  });

  it("refuses loopback, private and non-http targets at subscription time", async () => {
    const token = await stack.tokenFor(`hook-ssrf-${run}`);
    for (const url of [
      "http://127.0.0.1:9/hook",
      "http://localhost/hook",
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[::ffff:192.168.1.1]/hook",
      "http://[::1]/hook",
      "ftp://example.com/hook",
    ]) {
      const response = await stack.api("/v1/webhooks", {
        method: "POST",
        token,
        body: JSON.stringify({ url, events: ["artifact.available"] }),
      });
      expect(response.status, url).toBe(400);
      const { error } = (await response.json()) as { error: { code: string } };
      expect(error.code, url).toMatch(/^(webhook_url_refused|webhook_url_invalid|invalid_request)$/);
    }
  });

  it("names the setting that would allow a loopback receiver", async () => {
    const response = await stack.api("/v1/webhooks", {
      method: "POST",
      token: await stack.tokenFor(`hook-hint-${run}`),
      body: JSON.stringify({ url: "http://127.0.0.1:9/hook", events: ["artifact.available"] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: "webhook_url_refused",
      message:
        "The webhook URL leads to a non-public address: 127.0.0.1 is a loopback address. Such targets " +
        "need their range in WEBHOOK_ALLOWED_PRIVATE_CIDRS (for example " +
        "WEBHOOK_ALLOWED_PRIVATE_CIDRS=127.0.0.0/8,::1/128).",
      details: { address: "127.0.0.1", setting: "WEBHOOK_ALLOWED_PRIVATE_CIDRS" },
    });
  });
});

describe("private-address allowances never reach cloud metadata", () => {
  const attempt = async (stack: TestStack, url: string) => {
    const response = await stack.api("/v1/webhooks", {
      method: "POST",
      token: await stack.tokenFor(`hook-metadata-${run}`),
      body: JSON.stringify({ url, events: ["artifact.available"] }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
  };
  const METADATA = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/hook",
    "http://[::ffff:169.254.169.254]/hook",
  ];

  it("WEBHOOK_ALLOW_PRIVATE_TARGETS=true opens private ranges as before, but not link-local", async () => {
    const stack = await startTestStack({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" });
    stacks.push(stack);
    expect((await attempt(stack, "http://10.0.0.5/hook")).status).toBe(201);
    expect((await attempt(stack, "http://[::1]:9/hook")).status).toBe(201);
    for (const url of METADATA) {
      const refused = await attempt(stack, url);
      expect(refused.status, url).toBe(400);
      expect(refused.body.error?.message, url).toMatch(
        /link-local or cloud metadata address.*no setting allows it/,
      );
    }
  });

  it("an allow-list opens only its ranges, and one that names link-local stops the start", async () => {
    const stack = await startTestStack({ WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.0.0.0/24" });
    stacks.push(stack);
    expect((await attempt(stack, "http://10.0.0.5/hook")).status).toBe(201);
    expect((await attempt(stack, "http://10.0.1.5/hook")).status).toBe(400);
    expect((await attempt(stack, "http://127.0.0.1:9/hook")).status).toBe(400);
    await expect(
      startTestStack({ WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.0/8,169.254.0.0/16" }),
    ).rejects.toThrow(
      "WEBHOOK_ALLOWED_PRIVATE_CIDRS=127.0.0.0/8,169.254.0.0/16: 169.254.0.0/16 is link-local (cloud metadata), which no setting opens to webhooks.",
    );
  });
});
