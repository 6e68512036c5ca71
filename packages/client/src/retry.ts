export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * `base` with what `override` sets: a key given as undefined keeps the base's value (a spread would
 * put undefined in, and `attempt >= undefined` never stops retrying), and a value that is not a
 * whole number from 0 up is refused at once rather than met in the middle of an upload.
 */
export const retryPolicy = (base: RetryPolicy, override: Partial<RetryPolicy> | undefined): RetryPolicy => {
  const policy = { ...base };
  for (const key of ["retries", "baseDelayMs", "maxDelayMs"] as const) {
    const value = override?.[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a whole number from 0 up, not ${String(value)}.`);
    }
    policy[key] = value;
  }
  return policy;
};

/** Answers worth asking again: the server or a gateway failed, or asked the caller to slow down. */
export const isRetryableStatus = (status: number): boolean =>
  status >= 500 || status === 429 || status === 408;

/** Exponential backoff with full jitter, so many clients retrying at once spread out. */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
