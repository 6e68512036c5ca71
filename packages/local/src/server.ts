import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FUNCTIONS } from "@artifact-store/manifest";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { type ConsoleServing, mountConsole } from "./console";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface FunctionModule {
  app: { fetch: (request: Request) => Response | Promise<Response> };
}

/**
 * One Hono router in front of every function in the manifest. Each request is handed to the
 * function's own app, whole, just as the API gateway hands it to the deployed function.
 */
/** What an API gateway adds: the caller's address, for the audit trail and per-address limits. */
const withForwardedFor = (request: Request, address: string | undefined): Request => {
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-for", address ?? "unknown");
  return new Request(request, { headers });
};

export const createLocalRouter = async (options: { console?: ConsoleServing } = {}): Promise<Hono> => {
  const router = new Hono();
  if (options.console) mountConsole(router, options.console);
  for (const entry of FUNCTIONS) {
    const module = (await import(
      pathToFileURL(resolve(repositoryRoot, entry.module)).href
    )) as FunctionModule;
    for (const route of entry.routes) {
      // OPTIONS too: browsers send CORS preflights that the function itself answers.
      router.on([route.method.toUpperCase(), "OPTIONS"], route.path, (c) =>
        module.app.fetch(withForwardedFor(c.req.raw, getConnInfo(c).remote.address)),
      );
    }
  }
  router.notFound((c) =>
    c.json(
      {
        error: {
          code: "route_not_found",
          message: `No route ${c.req.method} ${c.req.path}.`,
          requestId: c.req.header("x-request-id") ?? crypto.randomUUID(),
        },
      },
      404,
    ),
  );
  return router;
};

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

export const startServer = async (options: {
  port: number;
  hostname?: string;
  /** Serve the built web console at / (and its development sign-in, when given). */
  console?: ConsoleServing;
}): Promise<RunningServer> => {
  const router = await createLocalRouter(options.console ? { console: options.console } : {});
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolveStarted, rejectStarted) => {
    const server = serve({ fetch: router.fetch, port: options.port, hostname }, (info: AddressInfo) => {
      resolveStarted({
        url: `http://${hostname}:${info.port}`,
        close: () =>
          new Promise<void>((resolveClosed) => {
            server.close(() => resolveClosed());
            // Keep-alive sockets would otherwise hold close() open.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once("error", rejectStarted);
  });
};
