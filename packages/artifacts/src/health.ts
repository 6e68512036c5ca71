import type { Health, StorageCapabilities } from "@artifact-store/api";
import { messageOf } from "@artifact-store/core";

type Check = Health["checks"]["storage"];

const timed = async (probe: () => Promise<unknown>, timeoutMs: number): Promise<Check> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "ok", latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return {
      status: "down",
      latencyMs: Math.round(performance.now() - started),
      error: messageOf(error),
    };
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Probes both dependencies at once, each bounded, so a hung one cannot hang the check. Storage
 * answers with what the server enforces and honours (probed once per process, so only the first
 * check pays for it); a store locked out of its bucket is down here, not only on object calls.
 */
export const checkHealth = async (
  probes: { storage: () => Promise<StorageCapabilities>; catalog: () => Promise<unknown> },
  timeoutMs = 3000,
): Promise<Health> => {
  let capabilities: StorageCapabilities | undefined;
  const [storageCheck, catalog] = await Promise.all([
    timed(async () => {
      capabilities = await probes.storage();
    }, timeoutMs),
    timed(probes.catalog, timeoutMs),
  ]);
  const storage = capabilities ? { ...storageCheck, capabilities } : storageCheck;
  return {
    status: storage.status === "ok" && catalog.status === "ok" ? "ok" : "degraded",
    checks: { storage, catalog },
  };
};
