import { handle } from "hono/aws-lambda";
import type { FunctionApp } from "./app";
import { log } from "./log";
import type { RequestRuntime, RuntimeSource } from "./runtime-source";

type LambdaHandler = ReturnType<typeof handle>;

/**
 * A Lambda handler for a function that serves HTTP and also runs on a schedule. API Gateway
 * events always carry a requestContext; a scheduler's invocation (or another function's direct
 * invoke) never does. The job gets the app's runtime, readied as its handlers get it, and the event.
 */
export const httpOrScheduled = <T extends RequestRuntime>(
  app: FunctionApp<T>,
  job: (runtime: T, event: unknown) => Promise<unknown>,
): ((event: unknown, context: unknown) => Promise<unknown>) => {
  const http = handle(app as never) as LambdaHandler;
  return async (event, context) => {
    if (typeof event === "object" && event !== null && "requestContext" in event) {
      return http(event as Parameters<LambdaHandler>[0], context as Parameters<LambdaHandler>[1]);
    }
    const started = performance.now();
    const source = app.runtimeSource as RuntimeSource<T>; // a scheduled function always has one
    const runtime = await source.runtime();
    await source.ready?.(runtime);
    const result = await job(runtime, event);
    log("info", "scheduled_run", { ms: Math.round(performance.now() - started), result });
    return result;
  };
};
