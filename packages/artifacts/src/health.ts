import type { Health } from "@artifact-store/api";
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

/** Probes both dependencies at once, each bounded, so a hung one cannot hang the check. */
export const checkHealth = async (
  probes: { storage: () => Promise<unknown>; catalog: () => Promise<unknown> },
  timeoutMs = 3000,
): Promise<Health> => {
  const [storage, catalog] = await Promise.all([
    timed(probes.storage, timeoutMs),
    timed(probes.catalog, timeoutMs),
  ]);
  return {
    status: storage.status === "ok" && catalog.status === "ok" ? "ok" : "degraded",
    checks: { storage, catalog },
  };
};
