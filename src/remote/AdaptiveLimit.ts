// How many requests to one remote may be in flight, and when the next one may start.
//
// Additive increase, multiplicative decrease, as TCP does with its congestion window
// (and the AWS SDK's "adaptive" retry mode with its send rate): a throttling answer
// (503 SlowDown, 429) halves the limit, and it grows back by one after a full round of
// successes (`limit` of them). Only a throttle of a request that started after the last
// decrease counts, so the 31 other requests already in flight when S3 starts refusing
// halve the limit once, not 31 times (TCP: one reduction per window).
//
// Concurrency alone cannot get below one request per round trip: against s3rver one
// request takes ~3 ms, so even one in flight is ~300 requests/s, far above a 20/s
// limiter. Once the limit is down to 1, a retry that is refused again (the throttling
// outlasted its backoff) spaces the starts instead, which halves the rate again: the
// spacing becomes twice the larger of itself and the
// shortest round trip seen (at least 10 ms, at most 5 s), and shrinks by 10% per success
// (rclone's S3 pacer: 10 ms minimum sleep, doubling on a retry, decaying on success).
// Once it is shorter than a round trip it no longer holds anything back, and the limit
// grows again from 1 - without that hand-over, going from paced to unpaced jumped from
// ~100 to ~300 requests/s and a 20/s limiter refused 2,000 of 2,500 requests.
// Only refused retries grow the spacing, and at most once per 200 ms (starting it is
// always allowed): a store that refuses a share of requests whatever the rate (each
// key's first attempt, say) would otherwise drive it to 5 s - on a loaded machine a
// test of that pattern ran past 50 s - while a store that limits the rate refuses
// retries too, window after window, until the spacing fits.
//
// Retry-After pauses every start until then, not just the request that was told.
export type Outcome = 'ok' | 'throttled' | 'failed';

const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 5000;
const INTERVAL_DECAY = 0.9;
const INTERVAL_GROWTH_WINDOW_MS = 200;
// A server asking for more than this is treated as if it asked for this.
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A slot: pass it back to release(). */
export interface Ticket {
  /** The decrease count when it started: a throttle of an older one is already accounted for. */
  generation: number;
  startedAt: number;
  /** A retry (acquired ahead of first attempts). */
  retry: boolean;
}

interface Waiter {
  resolve: (t: Ticket) => void;
  reject: (err: unknown) => void;
  retry: boolean;
}

export class AdaptiveLimit {
  private limit: number;
  private readonly max: number;
  private inFlight = 0;
  private generation = 0;
  private okSinceChange = 0;
  private intervalMs = 0;
  private intervalGrownAt = -Infinity;
  /**
   * Shortest successful request so far, ms: the round trip when nothing waits (BBR's
   * min RTT). A smoothed mean follows the machine's load - with it, a busy moment ended
   * the spacing early and let the rate jump (851 of 1,192 requests refused in one run).
   */
  private rttMs = Infinity;
  private nextStartAt = 0;
  private pausedUntil = 0;
  private readonly waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private aborted: unknown = null;
  /** Requests answered normally so far: the retry policy reads it to tell a busy remote from a dead one. */
  successes = 0;

  constructor(max: number, private readonly now: () => number = Date.now) {
    this.max = Math.max(1, max);
    this.limit = this.max;
  }

  /** Requests allowed in flight now. */
  get current(): number {
    return Math.floor(this.limit);
  }

  /** Milliseconds between request starts (0 unless throttled at a limit of 1). */
  get spacingMs(): number {
    return this.intervalMs;
  }

  /** Wait for a slot; a `retry` waits ahead of first attempts. */
  acquire(retry = false): Promise<Ticket> {
    if (this.aborted !== null) return Promise.reject(this.aborted);
    return new Promise((resolve, reject) => {
      if (retry) this.waiting.unshift({ resolve, reject, retry });
      else this.waiting.push({ resolve, reject, retry });
      this.pump();
    });
  }

  /** Give the slot back and learn from how the request went. */
  release(ticket: Ticket, outcome: Outcome, retryAfterMs?: number): void {
    this.inFlight--;
    const now = this.now();
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
    if (outcome === 'ok') {
      this.successes++;
      this.rttMs = Math.min(this.rttMs, now - ticket.startedAt);
      if (this.intervalMs > 0) {
        this.intervalMs *= INTERVAL_DECAY;
        if (this.intervalMs < this.rttMs) this.intervalMs = 0;
      } else if (this.limit < this.max && ++this.okSinceChange >= this.current) {
        this.limit++;
        this.okSinceChange = 0;
      }
    } else if (outcome === 'throttled' && ticket.generation === this.generation) {
      this.generation++;
      this.okSinceChange = 0;
      if (this.limit > 1) this.limit = Math.max(1, Math.floor(this.limit / 2));
      else if (ticket.retry && (this.intervalMs === 0 || now - this.intervalGrownAt >= INTERVAL_GROWTH_WINDOW_MS)) {
        const base = Math.max(this.intervalMs, Number.isFinite(this.rttMs) ? this.rttMs : 0);
        this.intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, 2 * base));
        this.intervalGrownAt = now;
      }
      this.nextStartAt = Math.max(this.nextStartAt, now + this.intervalMs);
    }
    this.pump();
  }

  /** Refuse every waiting and future acquire with `err` (the remote failed for good). */
  abort(err: unknown): void {
    if (this.aborted !== null) return;
    this.aborted = err;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.current) {
      const now = this.now();
      const startAt = Math.max(this.pausedUntil, this.nextStartAt);
      if (startAt > now) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, startAt - now);
        return;
      }
      this.inFlight++;
      this.nextStartAt = now + this.intervalMs;
      const w = this.waiting.shift()!;
      w.resolve({ generation: this.generation, startedAt: now, retry: w.retry });
    }
  }
}
