import { setMaxListeners } from 'node:events';
import { AdaptiveLimit, MAX_RETRY_AFTER_MS, type Outcome, type Ticket } from './AdaptiveLimit.js';
import { TransferError } from './TransferError.js';

export interface RetryPolicyOptions {
  /** Most requests in flight (the transfer jobs); the AdaptiveLimit starts there. */
  jobs: number;
  /** Attempts per request: `DVD_RETRIES`, default 5. */
  attempts?: number;
  /** First backoff, doubled per failed attempt up to backoffCapMs: `DVD_BACKOFF_MS`, default 250. */
  backoffMs?: number;
  backoffCapMs?: number;
  /**
   * The error for a request that ran out of attempts while no other request of the
   * remote succeeded: the remote as a whole is failing (dead, hanging, or throttling
   * everything), so it is fatal and stops the queue. Backends phrase it.
   */
  remoteFailed: (last: TransferError, attempts: number) => TransferError;
  /** `remote NAME (URL)`: the notices' subject. */
  describe: string;
  /** One line for the user the first time the remote times out or throttles. */
  onNotice?: (message: string) => void;
}

const envNumber = (name: string, dflt: number) => {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== '' && Number.isFinite(v) && v >= 0 ? v : dflt;
};

/**
 * The one retry policy of the remote layer. Every request to a remote - listings,
 * presence checks, uploads, downloads with their bodies, parts, deletes - runs through
 * `request()`, which waits for the remote's AdaptiveLimit, runs it, and retries by its
 * TransferError kind:
 *
 * - retriable (5xx, resets, timeouts, truncated bodies) and corrupt (hash mismatch):
 *   `attempts` attempts with capped exponential backoff and jitter (250 ms doubling, at
 *   most 20 s; AWS's "exponential backoff and jitter" advice);
 * - throttled (503 SlowDown, 429): the limit halves, the request waits for Retry-After
 *   or the backoff, and a throttle only counts as a failed attempt when no request of
 *   the remote succeeded since the previous one: while the remote makes progress,
 *   being told to slow down is pacing, not failure;
 * - missing: thrown at once (the caller decides);
 * - fatal: thrown at once, and every other request of the remote stops with it.
 *
 * A request that runs out of attempts fails alone (a damaged object, one bad key),
 * unless it never got an HTTP answer (timeouts, resets) or was throttled every time
 * while no other request of the remote succeeded: then the remote is failing as a
 * whole and the error becomes fatal (`remoteFailed`), so a dead, hung or saturated
 * endpoint costs one request's attempts, not every object's.
 */
export class RetryPolicy {
  readonly limit: AdaptiveLimit;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly backoffCapMs: number;
  private readonly o: RetryPolicyOptions;
  private fatal: TransferError | null = null;
  private readonly abortController = new AbortController();
  private readonly noticed = new Set<string>();
  private readonly sleepers = new Set<() => void>();

  constructor(o: RetryPolicyOptions) {
    this.o = o;
    this.limit = new AdaptiveLimit(o.jobs);
    this.attempts = Math.max(1, o.attempts ?? envNumber('DVD_RETRIES', 5));
    this.backoffMs = o.backoffMs ?? envNumber('DVD_BACKOFF_MS', 250);
    this.backoffCapMs = o.backoffCapMs ?? 20_000;
    // Every request in flight listens on the one signal (32 jobs, plus a large object's
    // ranges); Node's default of 10 listeners would print a leak warning on every pull.
    setMaxListeners(0, this.abortController.signal);
  }

  /** Aborted when the remote failed for good: pass it to requests so they stop at once. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  /** One request (and its body), holding a slot of the limit while it runs. */
  request<T>(fn: () => Promise<T>): Promise<T> {
    return this.run(fn, true);
  }

  /**
   * An operation made of several requests that each go through request() (a large
   * object's byte ranges, then its hash): retried as a whole on a retriable or corrupt
   * error, without a slot of its own (its requests take theirs).
   */
  operation<T>(fn: () => Promise<T>): Promise<T> {
    return this.run(fn, false);
  }

  private async run<T>(fn: () => Promise<T>, gated: boolean): Promise<T> {
    const successesAtStart = this.limit.successes;
    let successesAtThrottle = successesAtStart;
    let failures = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.fatal) throw this.fatal;
      // A retry goes ahead of requests not yet tried: finishing what was started is what
      // frees the queue, and a store that refuses every key's first attempt would
      // otherwise see nothing but first attempts.
      const ticket: Ticket | null = gated ? await this.limit.acquire(attempt > 0) : null;
      let outcome: Outcome = 'failed';
      let retryAfterMs: number | undefined;
      let error: TransferError;
      try {
        const value = await fn();
        outcome = 'ok';
        return value;
      } catch (err) {
        if (this.fatal) throw this.fatal;
        if (!(err instanceof TransferError)) throw err;
        error = err;
        if (err.kind === 'throttled') {
          outcome = 'throttled';
          retryAfterMs = err.retryAfterMs;
        } else if (err.kind === 'missing') {
          // "Not there" is a normal answer: the remote is working.
          outcome = 'ok';
        }
      } finally {
        if (ticket) this.limit.release(ticket, outcome, retryAfterMs);
      }
      if (error.kind === 'fatal') throw this.fail(error);
      if (error.kind === 'missing') throw error;
      if (error.kind === 'throttled') {
        if (this.limit.successes !== successesAtThrottle) failures = 0;
        successesAtThrottle = this.limit.successes;
        this.notice('throttled', `${this.o.describe} ${error.reason ?? error.message}; slowing down`);
      } else if (error.code === 'ETIMEOUT') {
        this.notice('timeout', `${this.o.describe} ${error.reason ?? error.message}; retrying`);
      }
      if (++failures >= this.attempts) {
        // Silence (timeouts, resets: no HTTP answer) and throttling concern the remote;
        // an HTTP error or a corrupt body concerns what was asked for.
        const remoteWide = error.kind === 'throttled' || (error.kind === 'retriable' && error.status === undefined);
        throw remoteWide && this.limit.successes === successesAtStart ? this.fail(this.o.remoteFailed(error, this.attempts)) : error;
      }
      const backoff = Math.min(this.backoffCapMs, this.backoffMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      await this.sleep(Math.max(backoff, error.kind === 'throttled' ? Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0));
    }
  }

  /** Latch the first fatal error: waiting and sleeping requests end with it, in-flight ones are aborted. */
  private fail(err: TransferError): TransferError {
    if (!this.fatal) {
      this.fatal = err;
      this.limit.abort(err);
      this.abortController.abort(err);
      for (const wake of this.sleepers) wake();
    }
    return this.fatal;
  }

  private notice(kind: string, message: string): void {
    if (this.noticed.has(kind)) return;
    this.noticed.add(kind);
    this.o.onNotice?.(message);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
