/** Memoises a preparation step, but forgets a failure so the next call tries again. */
export const once = (prepare: () => Promise<void>): (() => Promise<void>) => {
  let running: Promise<void> | undefined;
  return () => {
    running ??= prepare().catch((error: unknown) => {
      running = undefined;
      throw error;
    });
    return running;
  };
};
