/** What `artifact-store` exits with (README, and `artifact-store --help`). */
export const EXIT = {
  ok: 0,
  /** The command failed: an API error, a refused credential, nothing done. */
  failed: 1,
  /** Bad arguments, a path that does not exist, no credentials: nothing was sent. */
  usage: 2,
  /** Several items, some done and some failed (upload, download, rm): see the per-item lines. */
  partial: 3,
  /** Ctrl-C: what finished is kept, and the same command again resumes the rest. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    failed (an API error, refused credentials)
  2    usage (bad arguments, a missing path, not logged in); nothing was sent
  3    partial failure: some of several files or artifacts failed, the rest went through
  130  interrupted (Ctrl-C); run the same upload again to resume it`;

/** A mistake in how the command was called: exits 2 before anything is sent. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The exit code for a run over many items. */
export const exitFor = (counts: { done: number; failed: number; interrupted?: boolean }): number =>
  counts.interrupted
    ? EXIT.interrupted
    : counts.failed === 0
      ? EXIT.ok
      : counts.done > 0
        ? EXIT.partial
        : EXIT.failed;
