// `npm start`: the whole artifact store on this machine, on embedded defaults.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { signToken } from "@artifact-store/auth";
import { developmentSecret, ensureLocalStorage, startLocalApi } from "./stack";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// Locally, browser pages on any origin may call the API and the bucket (bearer tokens, no cookies).
process.env.API_CORS_ORIGINS ??= "*";
process.env.S3_CORS_ORIGINS ??= "*";

const say = (line: string) => console.log(`[start] ${line}`);

const main = async () => {
  const dataDir = resolve(process.env.DATA_DIR || ".data");
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
    api = await startLocalApi(env, port);
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
  console.log(`
Artifact store is running.
  API:          ${api.url}   (OpenAPI: ${api.url}/openapi.json, health: ${api.url}/v1/health)
  Storage:      ${api.config.storage.endpoint ?? "AWS S3"} bucket "${api.config.storage.bucket}"
  Catalogue:    ${api.config.database.url ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${api.config.database.embeddedDataDir}`}
  Dev token:    ${token}
  Admin token:  ${adminToken}

Try it (curl and jq):
  export API=${api.url} TOKEN=${token}
  echo 'hello, artifacts' > hello.txt
  UPLOAD=$(curl -s -X POST $API/v1/uploads -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d "{\\"filename\\":\\"hello.txt\\",\\"contentType\\":\\"text/plain\\",\\"size\\":$(stat -c%s hello.txt),\\"sha256\\":\\"$(sha256sum hello.txt | cut -d' ' -f1)\\",\\"md5\\":\\"$(openssl md5 -binary hello.txt | base64)\\"}")
  curl -s -X PUT -H 'content-type: text/plain' -H "content-md5: $(openssl md5 -binary hello.txt | base64)" \\
    --data-binary @hello.txt "$(echo "$UPLOAD" | jq -r '.parts[0].url')"
  ARTIFACT=$(curl -s -X POST $API/v1/uploads/$(echo "$UPLOAD" | jq -r .uploadId)/complete -H "Authorization: Bearer $TOKEN")
  curl -sL $API/v1/artifacts/$(echo "$ARTIFACT" | jq -r .id)/download -H "Authorization: Bearer $TOKEN"

Ctrl-C stops everything.`);

  // Deployed, verify-artifacts and deliver-webhooks run every minute; here the server runs them,
  // a little more often.
  const verifying = repeatEvery(
    15_000,
    "verification",
    () => api.runtime.verifier.verifyPending(),
    (run) => run.verified + run.corrupt + run.failed > 0,
  );
  const delivering = repeatEvery(
    15_000,
    "webhook delivery",
    () => api.runtime.webhooks.deliverDue(),
    (run) => run.delivered + run.retrying + run.failed > 0,
  );

  // Deployed, expire-artifacts runs hourly; here every minute, so an expiry set in a test shows.
  const expiring = repeatEvery(
    60_000,
    "expiry",
    () => api.runtime.expiry.run(),
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
