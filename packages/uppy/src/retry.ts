import { StoreApiError } from "./store-api-error";

/**
 * How often a control call (plan, create, sign, list, complete) is tried, and the first pause:
 * the SDK's policy (packages/client/src/retry.ts, not part of its public API), kept short because
 * a person is watching Uppy's progress bar.
 */
export const CONTROL_TRIES = 3;
const BASE_DELAY_MS = 300;

/** Worth asking again: the request never got an answer, the server or a gateway failed, or asked us to slow down. */
export const isTransient = (error: unknown): boolean =>
  error instanceof StoreApiError
    ? error.status >= 500 || error.status === 429 || error.status === 408
    : error instanceof TypeError; // fetch rejects with a TypeError when the network fails

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call` up to CONTROL_TRIES times, with exponential backoff and full jitter between tries. */
export const withRetries = async <T>(call: () => Promise<T>, wait = pause): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= CONTROL_TRIES || !isTransient(error)) throw error;
      await wait(Math.random() * BASE_DELAY_MS * 2 ** attempt);
    }
  }
};
