import type { AuditEvent } from "@artifact-store/audit";
import { ANONYMOUS, actorName, ID_PATTERN, messageOf } from "@artifact-store/core";
import type { Context } from "hono";
import type { AppEnv } from "./app";
import { log } from "./log";
import type { RequestRuntime } from "./runtime-source";
import { sourceAddress } from "./source-address";

export type AuditTargets = Pick<AuditEvent, "artifactId" | "uploadId" | "target">;

/** Names what a request acted on; ids the path names are noted already, created ones by the handler. */
export const noteAuditTargets = <R extends RequestRuntime>(
  c: Context<AppEnv<R>>,
  targets: AuditTargets,
): void => {
  c.set("auditTargets", { ...c.get("auditTargets"), ...targets });
};

/** The ids in the raw path, noted before anything can fail, so denied requests name their target too. */
export const noteTargetsInPath = <R extends RequestRuntime>(c: Context<AppEnv<R>>): void => {
  const params = c.req.param() as Record<string, string | undefined>;
  const id = (value: string | undefined) => (value && ID_PATTERN.test(value) ? value : null);
  const other = params.grantee ?? params.keyId ?? params.webhookId ?? params.deliveryId;
  noteAuditTargets(c, {
    artifactId: id(params.artifactId),
    uploadId: id(params.uploadId),
    target: other ? other.slice(0, 256) : null,
  });
};

/** One item of a batch call: what it acted on and the status its own call would have answered. */
export interface AuditedItem extends AuditTargets {
  status: number;
  reason: string | null;
}

const outcomeOf = (status: number): AuditEvent["outcome"] =>
  status >= 500 ? "failed" : status >= 400 ? "denied" : "allowed";

/**
 * Appends the request's audit event: who, what, on which ids, allowed or denied and why. A failed
 * append is logged loudly but does not change the answer the caller already earned.
 */
export const recordAudit = async <R extends RequestRuntime>(c: Context<AppEnv<R>>): Promise<void> => {
  if (!c.get("audited")) return;
  const event: AuditEvent = {
    at: new Date(),
    actor: actorName(c.get("principal") ?? ANONYMOUS),
    action: c.get("operation"),
    ...c.get("auditTargets"),
    outcome: outcomeOf(c.res.status),
    status: c.res.status,
    reason: c.get("errorCode") ?? null,
    requestId: c.get("requestId"),
    sourceIp: sourceAddress(c),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
  };
  const items = c.res.status < 400 ? c.get("auditItems") : undefined;
  // A batch is audited as what it did: one event per item, with that item's own outcome.
  const events: AuditEvent[] = items
    ? items.map(({ status, reason, ...targets }) => ({
        ...event,
        artifactId: null,
        uploadId: null,
        target: null,
        ...targets,
        outcome: outcomeOf(status),
        status,
        reason,
      }))
    : [event];
  try {
    const runtime = c.get("runtime");
    await runtime.ready();
    // Appended together: the trail commits what arrives at once as one chained batch.
    await Promise.all(events.map((each) => runtime.audit.append(each)));
  } catch (error) {
    log("error", "audit_append_failed", {
      requestId: event.requestId,
      action: event.action,
      error: messageOf(error),
    });
  }
};
