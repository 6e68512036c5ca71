import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { log } from "./log";

type LambdaHandler = ReturnType<typeof handle>;

/**
 * A Lambda handler for a function that serves HTTP and also runs on a schedule. API Gateway
 * events always carry a requestContext; a scheduler's invocation (or another function's direct
 * invoke, which the job is given) never does.
 */
export const httpOrScheduled = <E extends object>(
  app: Hono<E & object>,
  job: (event: unknown) => Promise<unknown>,
): ((event: unknown, context: unknown) => Promise<unknown>) => {
  const http = handle(app as unknown as Hono) as LambdaHandler;
  return async (event, context) => {
    if (typeof event === "object" && event !== null && "requestContext" in event) {
      return http(event as Parameters<LambdaHandler>[0], context as Parameters<LambdaHandler>[1]);
    }
    const started = performance.now();
    const result = await job(event);
    log("info", "scheduled_run", { ms: Math.round(performance.now() - started), result });
    return result;
  };
};
