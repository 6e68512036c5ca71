// moto's S3 emulator (`moto_server`, from the machine's Python): a second S3 implementation the
// tests run on, to prove the store portable. In memory, so each start is empty and quick.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export interface MotoServer {
  endpoint: string;
  /** The store's S3 settings to use it. */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/** The store's S3 settings for a moto server at this endpoint (any key works; moto checks none). */
export const motoStorageEnv = (endpoint: string): Record<string, string> => ({
  S3_ENDPOINT: endpoint,
  S3_REGION: "us-east-1",
  S3_ACCESS_KEY_ID: "moto",
  S3_SECRET_ACCESS_KEY: "moto-secret",
  S3_FORCE_PATH_STYLE: "true",
});

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

const answers = async (endpoint: string): Promise<boolean> => {
  try {
    await (await fetch(endpoint, { signal: AbortSignal.timeout(1_000) })).arrayBuffer();
    return true;
  } catch {
    return false;
  }
};

/** Starts moto_server on a free loopback port; fails, saying so, when it is not on PATH. */
export const startMotoServer = async (): Promise<MotoServer> => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = `${stderr}${chunk}`.slice(-2000);
  });
  const exited = new Promise<Error>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "ENOENT"
          ? new Error(
              "moto_server is not on PATH: the moto test project needs moto's S3 server (pip install 'moto[server]').",
            )
          : error,
      ),
    );
    child.once("exit", (code, signal) =>
      resolve(
        new Error(`moto_server exited (${signal ?? `code ${code}`}) before answering: ${stderr.trim()}`),
      ),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let failed: Error | undefined;
  void exited.then((error) => {
    failed = error;
  });
  while (!(await answers(endpoint))) {
    if (failed) throw failed;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto_server did not answer at ${endpoint} within ${READY_TIMEOUT_MS / 1000} s: ${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    endpoint,
    env: motoStorageEnv(endpoint),
    stop,
  };
};
