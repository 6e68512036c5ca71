import type { ErrorBody } from "@artifact-store/api";
import type { Context } from "hono";
import type * as v from "valibot";
import type { AppEnv } from "./app";
import type { AuditedItem, AuditTargets } from "./audit";
import { toHttpError } from "./errors";
import { log } from "./log";
import { parse } from "./mount";
import type { RequestRuntime } from "./runtime-source";

/** What one item of a batch came to: its own success, or the error its single call would answer. */
export type BatchResult<T> =
  | ({ index: number; ok: true; status: number } & T)
  | { index: number; ok: false; status: number; error: ErrorBody["error"] };

export interface BatchItemDone<T> {
  status: number;
  value: T;
  audit: AuditTargets;
}

/** Items worked on at once: enough to overlap storage round trips, few enough for a pooled catalogue. */
const BATCH_CONCURRENCY = 8;

/**
 * Runs a batch call's items one by one as their own calls would: each is validated against its
 * schema, worked on, and answered with its own result or error, so one bad item fails alone. Each
 * item is audited as its own event. A failure of ours (a bug, storage away) fails its item alone,
 * with the item's 500 or 503, and is logged.
 */
export const settleEach = async <S extends v.GenericSchema, T, R extends RequestRuntime>(
  c: Context<AppEnv<R>>,
  items: readonly unknown[],
  schema: S,
  work: (item: v.InferOutput<S>) => Promise<BatchItemDone<T>>,
  /** What a failed item names (e.g. the upload it asked to complete), for its audit event. */
  targetsOf: (item: unknown) => AuditTargets = () => ({}),
): Promise<BatchResult<T>[]> => {
  const results: BatchResult<T>[] = new Array(items.length);
  const audited: AuditedItem[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      try {
        const done = await work(parse(schema, items[index], `uploads[${index}]`) as v.InferOutput<S>);
        results[index] = { index, ok: true, status: done.status, ...done.value };
        audited[index] = { ...done.audit, status: done.status, reason: null };
      } catch (error) {
        const mapped = toHttpError(error, c.get("requestId"));
        // A failure of ours fails that item alone (logged as a request's would be): the items
        // done beside it are kept, answered and audited, never lost behind one 500.
        if (mapped.internal) {
          log("error", "batch_item_failed", {
            requestId: c.get("requestId"),
            index,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
        }
        results[index] = { index, ok: false, status: mapped.status, error: mapped.body.error };
        audited[index] = {
          ...targetsOf(items[index]),
          status: mapped.status,
          reason: mapped.body.error.code,
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
  c.set("auditItems", audited);
  return results;
};
