// `npm start`: the whole artifact store on this machine, on embedded defaults.
import { randomBytes } from "node:crypto";
import { signToken } from "@artifact-store/auth";
import { expiryOf, verifierOf } from "@artifact-store/runtime/storage";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { startBanner } from "./banner";
import { dataDirOf, developmentSecret } from "./dev-token";
import { ensureLocalStorage, startLocalApi } from "./stack";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// Locally, browser pages on any origin may call the API and the bucket (bearer tokens, no cookies).
process.env.API_CORS_ORIGINS ??= "*";
process.env.S3_CORS_ORIGINS ??= "*";
// Locally, a webhook receiver on this machine is the one to try; private networks and link-local
// (cloud metadata) addresses stay closed. Set it empty to allow public targets only.
process.env.WEBHOOK_ALLOWED_PRIVATE_CIDRS ??= "127.0.0.0/8,::1/128";

const say = (line: string) => console.log(`[start] ${line}`);

const main = async () => {
  const dataDir = dataDirOf(process.env);
  const port = Number(process.env.PORT || 8787);
  say(`data folder: ${dataDir}`);
  if (!process.env.S3_ENDPOINT)
    say("S3_ENDPOINT is unset: starting a local Ceph RGW (first start installs it)...");
  const storage = await ensureLocalStorage(process.env, dataDir, (line) => say(`s3: ${line}`), {
    persistent: true,
  });
  const env = {
    ...process.env,
    ...storage.env,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: process.env.AUTH_JWT_SECRET || (await developmentSecret(dataDir)),
    // The local RGW pushes its bucket notifications to the storage-events route.
    ...(storage.env.S3_ENDPOINT
      ? {
          STORAGE_EVENTS_TOKEN: process.env.STORAGE_EVENTS_TOKEN || randomBytes(24).toString("base64url"),
          STORAGE_EVENTS_PUSH: process.env.STORAGE_EVENTS_PUSH || "true",
        }
      : {}),
  };
  let api: Awaited<ReturnType<typeof startLocalApi>>;
  try {
    api = await startLocalApi(env, port, {
      // The users the banner prints, one click away on the console's sign-in page.
      // Only with the development secret: a store started with a real AUTH_JWT_SECRET mints no
      // tokens for whoever reaches it.
      console: {
        ...(process.env.AUTH_JWT_SECRET
          ? {}
          : {
              devUsers: [
                { sub: "dev-user", roles: [] },
                { sub: "dev-admin", roles: ["admin"] },
              ],
            }),
        log: (line) => say(line),
      },
    });
  } catch (error) {
    await storage.stop();
    throw error;
  }

  const token = await signToken(api.config.auth, { sub: "dev-user", roles: [], expiresIn: "30d" });
  const adminToken = await signToken(api.config.auth, {
    sub: "dev-admin",
    roles: ["admin"],
    expiresIn: "30d",
  });
  console.log(
    startBanner({
      apiUrl: api.url,
      storage: api.config.storage,
      localStorage: storage.env.S3_ENDPOINT !== undefined,
      catalogue: api.config.database.url
        ? "PostgreSQL (DATABASE_URL)"
        : `PGlite in ${api.config.database.embeddedDataDir}`,
      token,
      adminToken,
      webhookPrivateRanges: api.config.webhooks.allowedPrivateRanges.join(","),
    }),
  );

  // Deployed, verify-artifacts and deliver-webhooks run every minute; here the server runs them,
  // a little more often.
  const verifying = repeatEvery(
    15_000,
    "verification",
    () => verifierOf(api.runtime).verifyPending(),
    (run) => run.verified + run.corrupt + run.failed > 0,
  );
  const delivering = repeatEvery(
    15_000,
    "webhook delivery",
    () => webhooksOf(api.runtime).deliverDue(),
    (run) => run.delivered + run.retrying + run.failed > 0,
  );

  // Deployed, expire-artifacts runs hourly; here every minute, so an expiry set in a test shows.
  const expiring = repeatEvery(
    60_000,
    "expiry",
    () => expiryOf(api.runtime).run(),
    (run) => run.deleted + run.failed > 0,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping...");
    await Promise.all([verifying.stop(), delivering.stop(), expiring.stop()]);
    await api.close();
    await storage.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
};

/**
 * Runs a scheduled job every `ms`, never two at once, saying what a run did when it did something.
 * `stop` clears the timer and waits for a run in progress.
 */
const repeatEvery = <T>(
  ms: number,
  name: string,
  job: () => Promise<T>,
  worthSaying: (run: T) => boolean,
) => {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= job()
      .then(
        (run) => {
          if (worthSaying(run)) say(`${name}: ${JSON.stringify(run)}`);
        },
        (error: unknown) => say(`${name} failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        running = null;
      });
  }, ms);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
