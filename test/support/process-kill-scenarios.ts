// A real crash: the API runs in a process of its own (killable-server.ts) that SIGKILLs itself
// right after a step of completing an upload; a fresh process over the same catalogue (a
// PostgreSQL database, or a PGlite folder on disk, which must recover from the kill) and bucket
// then takes the client's retry, or its reconciler finishes the upload.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { IntegrityRunView } from "@artifact-store/api";
import { COMPLETION_STEPS, type CompletionStep, completionFailpoint } from "@artifact-store/artifacts";
import { signToken } from "@artifact-store/auth";
import { loadConfig, loadStorageConfig } from "@artifact-store/runtime";
import { createS3Client } from "@artifact-store/storage";
import {
  type Attempt,
  complete,
  type FaultRow,
  type FaultTarget,
  MULTIPART_SIZE,
  type Sent,
  tally,
  upload,
} from "./fault-scenarios";
import { apiAt, MiB } from "./stack";

interface ApiProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

const startApiProcess = async (env: Record<string, string>, killAt?: string): Promise<ApiProcess> => {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/killable-server.ts"], {
    env: { ...process.env, ...env, ...(killAt ? { FAULT_KILL_AT: killAt } : {}) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      if (line.startsWith("READY ")) resolve(line.slice("READY ".length));
    });
    child.once("exit", (code) => reject(new Error(`API process exited (${code}) before it served`)));
  });
  return { url, child, exited };
};

const stopApiProcess = async (api: ApiProcess) => {
  if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill("SIGTERM");
  await api.exited;
};

/**
 * For each step of a multipart completion: the server is killed right after it, then either the
 * client retries against a restarted server, or no client comes back and the restarted server's
 * reconciler finishes the upload. The catalogue is one both processes open in turn.
 */
export const runProcessKillFaults = async (
  catalogue: { DATABASE_URL: string } | { CATALOG_DATA_DIR: string },
): Promise<FaultRow[]> => {
  const env = {
    DATABASE_URL: "",
    ...catalogue,
    S3_BUCKET: `faults-${randomUUID().slice(0, 12)}`,
    AUTH_JWT_SECRET: `faults-${randomUUID()}-${randomUUID()}`,
    UPLOAD_PART_SIZE_BYTES: String(5 * MiB),
    VERIFY_INLINE_MAX_BYTES: String(1024 ** 4),
    LOG_LEVEL: "silent",
  };
  const config = {
    ...loadConfig({ ...process.env, ...env }),
    storage: loadStorageConfig({ ...process.env, ...env }),
  };
  const s3 = createS3Client(config.storage);
  const tokenFor = (userId: string, roles: string[] = []) => signToken(config.auth, { sub: userId, roles });
  const target = (url: string): FaultTarget & { tokenFor: typeof tokenFor } => ({
    bucket: env.S3_BUCKET,
    s3,
    tokenFor,
    api: apiAt(url),
  });
  const reconcile = async (to: FaultTarget): Promise<IntegrityRunView> => {
    const token = await tokenFor("faults-admin", ["admin"]);
    const response = await to.api("/v1/admin/integrity/reconcile", { method: "POST", token });
    return (await response.json()) as IntegrityRunView;
  };

  const rows: FaultRow[] = [];
  const killedAfter = async (step: CompletionStep, clientRetries: boolean) => {
    const doomed = await startApiProcess(env, completionFailpoint(step));
    let sent: Sent;
    let first: Awaited<ReturnType<typeof complete>>;
    try {
      sent = await upload(target(doomed.url), MULTIPART_SIZE);
      first = await complete(target(doomed.url), sent);
      await doomed.exited;
    } finally {
      // It kills itself at the failpoint; stopped here when an earlier step failed instead.
      await stopApiProcess(doomed);
    }
    const restarted = await startApiProcess(env);
    try {
      const after = target(restarted.url);
      const retried = clientRetries ? await complete(after, sent) : null;
      const report = await reconcile(after);
      const attempt: Attempt = {
        ...sent,
        firstStatus: first.status,
        calls: retried ? 2 : 1,
        answeredIds: [first.id, retried?.id ?? null].filter((id): id is string => id !== null),
      };
      const how = clientRetries ? "client retries" : "client gone, reconciler";
      rows.push(
        await tally(after, `multipart: server SIGKILLed after ${step}, restarted, ${how}`, [attempt], report),
      );
    } finally {
      await stopApiProcess(restarted);
    }
  };
  try {
    for (const step of COMPLETION_STEPS) await killedAfter(step, true);
    for (const step of ["storage-completed", "sidecar-written"] as const) await killedAfter(step, false);
  } finally {
    s3.destroy();
  }
  return rows;
};
