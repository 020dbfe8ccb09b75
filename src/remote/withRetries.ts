import { TransferError } from './TransferError.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retry a single request (a listing, one part of a large object, a delete batch) on
 * retriable and throttled errors with capped exponential backoff and jitter. Whole
 * objects are retried by the TransferQueue instead, which also records failures.
 */
export async function withRetries<T>(fn: () => Promise<T>, retries = 4): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const kind = err instanceof TransferError ? err.kind : null;
      if ((kind !== 'retriable' && kind !== 'throttled') || attempt >= retries) throw err;
      const base = Math.min(5000, 200 * 2 ** attempt) * (kind === 'throttled' ? 2 : 1);
      const ra = (err as TransferError).retryAfterMs ?? 0;
      await sleep(Math.max(ra, base * (0.5 + Math.random() / 2)));
    }
  }
}
