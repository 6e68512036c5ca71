import { randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ClaimedDelivery, PausePolicy, WebhookRecords } from "@artifact-store/catalog";
import {
  forbidden,
  isAdmin,
  messageOf,
  nextWebhookAttempt,
  notFound,
  type Principal,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookFilters,
  type WebhookSubscription,
} from "@artifact-store/core";
import { Webhook } from "standardwebhooks";
import { checkTarget, guardedLookup, refusedLiteral } from "./target-guard";

export interface WebhookSettings {
  /**
   * Non-public ranges (CIDRs) targets may resolve to: loopback under `npm start`, a closed
   * network's own. Link-local and cloud metadata addresses stay refused whatever this says.
   */
  allowedPrivateRanges: readonly string[];
  /** How long a target may take to answer one attempt. */
  timeoutMs: number;
  pausePolicy: PausePolicy;
  /** Deliveries claimed at once; one run keeps claiming until none is due or its time is up. */
  batchSize: number;
  /** One run stops claiming after this long (a scheduled run must end before its function times out). */
  runBudgetMs: number;
}

export interface SubscribeRequest {
  url: string;
  events: readonly WebhookEventType[];
  filters?: Partial<WebhookFilters>;
  /** Whose artifacts: the caller's own by default; admins may name another owner, or `*` for all. */
  owner?: string;
  description?: string;
}

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  failed: number;
}

/** The largest part of a target's answer kept in the attempt log. */
const EXCERPT_BYTES = 500;

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
const newSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

interface Answer {
  status: number;
  excerpt: string;
}

/** POSTs a body; redirects are not followed (a redirect could lead anywhere, the guard included). */
const post = (
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  allowed: readonly string[],
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
        lookup: guardedLookup(allowed),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          resolve({
            status: response.statusCode ?? 0,
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8"),
          });
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough for the log: the rest of a large answer is not read.
          if (size >= EXCERPT_BYTES) response.destroy();
        });
        response.on("error", () => {});
        response.on("close", finish);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });

/** Webhook subscriptions and the delivery of their events: who may do what, and how it is sent. */
export class Webhooks {
  constructor(
    private readonly records: WebhookRecords,
    private readonly settings: WebhookSettings,
    private readonly now: () => Date = () => new Date(),
    private readonly random: () => number = Math.random,
  ) {}

  /** A new subscription and its secret, which is shown this once. */
  async subscribe(
    principal: Principal,
    request: SubscribeRequest,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const caller = principal.id;
    if (caller === null) throw forbidden("webhook_forbidden", "Anonymous callers cannot subscribe.");
    let artifactOwner: string | null = caller;
    if (request.owner !== undefined && request.owner !== caller) {
      if (!isAdmin(principal)) {
        throw forbidden("webhook_owner_forbidden", "Only admins subscribe to other owners' artifacts.");
      }
      artifactOwner = request.owner === "*" ? null : request.owner;
    }
    const url = await checkTarget(request.url, this.settings.allowedPrivateRanges);
    const secret = newSecret();
    const subscription = await this.records.createSubscription({
      id: randomUUID(),
      createdBy: caller,
      artifactOwner,
      url: url.toString(),
      events: [...new Set(request.events)],
      filters: {
        tags: [...new Set(request.filters?.tags ?? [])],
        contentType: request.filters?.contentType?.toLowerCase() ?? null,
        jobId: request.filters?.jobId ?? null,
      },
      description: request.description ?? null,
      secret,
      createdAt: this.now(),
    });
    return { subscription, secret };
  }

  /** The caller's subscriptions; an admin's view is everyone's, or one maker's with `createdBy`. */
  async list(principal: Principal, createdBy?: string): Promise<WebhookSubscription[]> {
    if (isAdmin(principal)) return this.records.listSubscriptions(createdBy ?? null);
    if (createdBy !== undefined && createdBy !== principal.id) {
      throw forbidden("webhook_owner_forbidden", "Only admins list other users' subscriptions.");
    }
    return this.records.listSubscriptions(principal.id ?? "");
  }

  async get(principal: Principal, id: string): Promise<WebhookSubscription> {
    const subscription = await this.records.findSubscription(id);
    // Someone else's subscription is as good as absent: its existence is not theirs to learn.
    if (!subscription || !(isAdmin(principal) || subscription.createdBy === principal.id)) {
      throw notFound("webhook", id);
    }
    return subscription;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.get(principal, id);
    await this.records.deleteSubscription(id, this.now());
  }

  /** Lifts a pause: what was queued meanwhile goes out, in order. */
  async resume(principal: Principal, id: string): Promise<WebhookSubscription> {
    await this.get(principal, id);
    const resumed = await this.records.resumeSubscription(id);
    if (!resumed) throw notFound("webhook", id);
    return resumed;
  }

  async deliveries(principal: Principal, id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.get(principal, id);
    return this.records.listDeliveries(id, limit);
  }

  /** Queues one delivery again, due now (it keeps its webhook-id, so receivers can tell a repeat). */
  async redeliver(principal: Principal, deliveryId: string): Promise<WebhookDelivery> {
    const found = await this.records.findDelivery(deliveryId);
    if (!found || !(isAdmin(principal) || found.subscription.createdBy === principal.id)) {
      throw notFound("delivery", deliveryId);
    }
    const requeued = await this.records.requeueDelivery(deliveryId, this.now());
    if (!requeued) throw notFound("delivery", deliveryId);
    return requeued;
  }

  /**
   * Sends every delivery due at `now`, batch by batch, until none is due or the run's time is
   * up. Each claim is held for longer than an attempt can take, so a sender that dies leaves its
   * deliveries to the next run rather than losing them.
   */
  async deliverDue(now: Date = this.now()): Promise<DeliveryRun> {
    const run: DeliveryRun = { delivered: 0, retrying: 0, failed: 0 };
    const started = Date.now();
    const holdMs = 2 * this.settings.timeoutMs + 30_000;
    while (Date.now() - started < this.settings.runBudgetMs) {
      const claimed = await this.records.claimDue(
        now,
        new Date(now.getTime() + holdMs),
        this.settings.batchSize,
      );
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(claimed.map((delivery) => this.attempt(delivery, now)));
      for (const outcome of outcomes) run[outcome] += 1;
    }
    return run;
  }

  private async attempt(claimed: ClaimedDelivery, now: Date): Promise<keyof DeliveryRun> {
    const body = JSON.stringify(claimed.payload);
    const started = performance.now();
    let status: number | null = null;
    let excerpt: string | null = null;
    let error: string | null = null;
    try {
      const url = new URL(claimed.url);
      const allowed = this.settings.allowedPrivateRanges;
      const refused = refusedLiteral(url, allowed);
      if (refused) throw new Error(`refused: ${refused}`);
      // Signed when sent, with the real time: receivers reject stale timestamps as replays.
      const sentAt = new Date();
      const signature = new Webhook(claimed.secret).sign(claimed.id, sentAt, body);
      const answer = await post(
        url,
        body,
        {
          "content-type": "application/json",
          "user-agent": "artifact-store-webhooks/1",
          "webhook-id": claimed.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
        this.settings.timeoutMs,
        allowed,
      );
      status = answer.status;
      excerpt = answer.excerpt === "" ? null : answer.excerpt;
    } catch (caught) {
      error = messageOf(caught).slice(0, 500);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const retryAt = ok ? null : nextWebhookAttempt(claimed.attempts + 1, now, this.random);
    await this.records.recordAttempt(
      claimed,
      {
        at: now,
        status,
        latencyMs: Math.round(performance.now() - started),
        responseExcerpt: excerpt,
        error,
      },
      retryAt,
      this.settings.pausePolicy,
    );
    return ok ? "delivered" : retryAt ? "retrying" : "failed";
  }
}
