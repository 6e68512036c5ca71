import { backoffDelay, isRetryableStatus } from "@artifact-store/client";
import { StoreApiError } from "./store-api-error";

/**
 * How often a control call (plan, create, sign, list, complete) is tried, and the first pause:
 * the SDK's backoff and retryable statuses, kept short because a person is watching Uppy's
 * progress bar.
 */
export const CONTROL_TRIES = 3;
const POLICY = { retries: CONTROL_TRIES - 1, baseDelayMs: 300, maxDelayMs: 10_000 };

/** Worth asking again: the request never got an answer, the server or a gateway failed, or asked us to slow down. */
export const isTransient = (error: unknown): boolean =>
  error instanceof StoreApiError ? isRetryableStatus(error.status) : error instanceof TypeError; // fetch rejects with a TypeError when the network fails

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call` up to CONTROL_TRIES times, with exponential backoff and full jitter between tries. */
export const withRetries = async <T>(call: () => Promise<T>, wait = pause): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= CONTROL_TRIES || !isTransient(error)) throw error;
      await wait(backoffDelay(POLICY, attempt));
    }
  }
};
