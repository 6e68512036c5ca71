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

  // Deployed, verify-artifacts runs every minute; here the server runs it, a little more often.
  let verifying: Promise<void> | null = null;
  const verifyTimer = setInterval(() => {
    verifying ??= api.runtime.verifier
      .verifyPending()
      .then(
        (run) => {
          if (run.verified + run.corrupt + run.failed > 0) say(`verification: ${JSON.stringify(run)}`);
        },
        (error: unknown) =>
          say(`verification failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        verifying = null;
      });
  }, 15_000);

  // Deployed, deliver-webhooks runs every minute; here the server sends due deliveries as often.
  let delivering: Promise<void> | null = null;
  const deliverTimer = setInterval(() => {
    delivering ??= api.runtime.webhooks
      .deliverDue()
      .then(
        (run) => {
          if (run.delivered + run.retrying + run.failed > 0) say(`webhooks: ${JSON.stringify(run)}`);
        },
        (error: unknown) =>
          say(`webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        delivering = null;
      });
  }, 15_000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping...");
    clearInterval(verifyTimer);
    clearInterval(deliverTimer);
    await Promise.all([verifying, delivering]);
    await api.close();
    await storage.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
};

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
