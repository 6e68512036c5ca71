// Ctrl-C during a transfer: the first stops it cleanly (what finished is recorded, open uploads stay
// resumable), a second exits at once.
import { EXIT } from "./exit-codes";

export class Interrupted extends Error {
  override name = "Interrupted";
  constructor(signal: string) {
    super(`interrupted (${signal})`);
  }
}

export const onInterrupt = (onFirst: () => void): { signal: AbortSignal; dispose: () => void } => {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(new Interrupted(signal));
    onFirst();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
};
