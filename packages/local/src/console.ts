// The web console on the API's own port (same origin, so no CORS and no API URL to configure),
// and, under `npm start` only, its one-click development sign-in.
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { createTokenVerifier, signToken } from "@artifact-store/auth";
import type { Runtime } from "@artifact-store/runtime";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, Hono } from "hono";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** A development user the sign-in page offers: those the banner prints. */
export interface DevUser {
  sub: string;
  roles: string[];
}

export interface ConsoleServing {
  /** The built console (packages/console/dist). */
  root: string;
  /**
   * Offer a development sign-in that mints tokens with the server's own secret: for `npm start`
   * only. Listed users get a button; any other user id may be typed.
   */
  devSignIn?: { auth: Runtime["config"]["auth"]; users: DevUser[] };
}

/** Where the console sits: GET / (index.html) and its hashed assets. */
const CONSOLE_PATHS = ["/", "/index.html", "/assets/*"];

/** How long a development sign-in lasts: a working day, not the banner's 30 days. */
const DEV_SIGN_IN_LIFETIME = "12h";

const isLoopback = (address: string | undefined) =>
  address !== undefined &&
  (address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127."));

/**
 * Whether the request named this machine as its host. A page on another site can make its own
 * name resolve to 127.0.0.1 (DNS rebinding) and so pass as same-origin and on loopback; it cannot
 * make the browser send `Host: 127.0.0.1` or `localhost`.
 */
const namesLoopbackHost = (url: string) => {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
};

const errorBody = (code: string, message: string) => ({
  error: { code, message, requestId: crypto.randomUUID() },
});

const serveFile = async (c: Context, root: string): Promise<Response> => {
  const requested = c.req.path === "/" ? "/index.html" : c.req.path;
  const file = normalize(join(root, decodeURIComponent(requested)));
  if (!file.startsWith(root + sep))
    return c.json(errorBody("route_not_found", `No route GET ${c.req.path}.`), 404);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return c.json(errorBody("route_not_found", `No route GET ${c.req.path}.`), 404);
  }
  const isPage = extname(file) === ".html";
  return c.body(new Uint8Array(body), 200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "x-content-type-options": "nosniff",
    // Hashed file names change with their content; the page itself is always asked for again.
    "cache-control": isPage ? "no-cache" : "public, max-age=31536000, immutable",
    ...(isPage
      ? {
          "x-frame-options": "DENY",
          "referrer-policy": "no-referrer",
          "content-security-policy":
            "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        }
      : {}),
  });
};

/**
 * GET lists the users to offer; POST { sub, roles } answers a token for one. Only for callers on
 * this machine, and only from the console's own page (a page elsewhere can neither read the
 * answer, having no CORS, nor send JSON without a preflight this route does not answer).
 */
const mountDevSignIn = (router: Hono, devSignIn: NonNullable<ConsoleServing["devSignIn"]>) => {
  const verify = createTokenVerifier(devSignIn.auth);
  const local = (c: Context) => isLoopback(getConnInfo(c).remote.address) && namesLoopbackHost(c.req.url);
  router.get("/console/dev-sign-in", (c) =>
    local(c)
      ? c.json({ users: devSignIn.users }, 200, { "cache-control": "no-store" })
      : c.json(errorBody("forbidden", "Development sign-in is for this machine only."), 403),
  );
  router.post("/console/dev-sign-in", async (c) => {
    if (!local(c))
      return c.json(errorBody("forbidden", "Development sign-in is for this machine only."), 403);
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) {
      return c.json(errorBody("forbidden", "Development sign-in answers the console's own page only."), 403);
    }
    const body = (await c.req.json().catch(() => null)) as { sub?: unknown; roles?: unknown } | null;
    const sub = typeof body?.sub === "string" ? body.sub.trim() : "";
    if (!sub) return c.json(errorBody("invalid_request", "Say which user to sign in as."), 400);
    const listed = devSignIn.users.find((user) => user.sub === sub);
    // Roles only as the banner printed them: a typed-in user is an ordinary one.
    const roles = listed?.roles ?? [];
    const token = await signToken(devSignIn.auth, { sub, roles, expiresIn: DEV_SIGN_IN_LIFETIME });
    try {
      await verify(token);
    } catch (error) {
      return c.json(
        errorBody("invalid_request", `The store would refuse this user: ${(error as Error).message}`),
        400,
      );
    }
    return c.json({ token }, 200, { "cache-control": "no-store" });
  });
};

export const mountConsole = (router: Hono, serving: ConsoleServing): void => {
  const root = normalize(serving.root);
  for (const path of CONSOLE_PATHS) router.get(path, (c) => serveFile(c, root));
  if (serving.devSignIn) mountDevSignIn(router, serving.devSignIn);
};
