import { DvdError } from '../core/errors.js';

// Errors from a backend, classified by what the retry policy should do with them
// (git-lfs's habit): try again soon, try again later (throttled), give up on this one
// object (missing, or corrupt after retries), or stop everything (fatal: bad
// credentials, no bucket - every other object would fail the same way).
export type TransferErrorKind = 'retriable' | 'throttled' | 'missing' | 'corrupt' | 'fatal';

export interface TransferErrorOptions {
  hint?: string;
  retryAfterMs?: number;
  cause?: unknown;
  data?: Record<string, unknown>;
  /**
   * What went wrong, said of the remote and without the operation (`did not answer
   * within 30 s`), so the retry policy can restate it once it concerns the whole
   * remote: `remote s3 (...) did not answer within 30 s (5 attempts)`.
   */
  reason?: string;
  /** The HTTP status, when the server answered at all. */
  status?: number;
}

export class TransferError extends DvdError {
  readonly kind: TransferErrorKind;
  /** Server's Retry-After, when it sent one. */
  readonly retryAfterMs?: number;
  readonly reason?: string;
  readonly status?: number;

  constructor(kind: TransferErrorKind, code: string, message: string, opts: TransferErrorOptions = {}) {
    super(code, message, { hint: opts.hint, cause: opts.cause, data: opts.data });
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
    this.reason = opts.reason;
    this.status = opts.status;
  }
}

const RETRIABLE_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** Network-level failures that are worth another attempt. */
export function isRetriableNetworkError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; name?: string; message?: string };
  if (e.code && RETRIABLE_ERRNOS.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  // Node reports a body cut short by the peer as "aborted" / "socket hang up" without an errno.
  return typeof e.message === 'string' && /^(aborted|socket hang up|premature close)/i.test(e.message);
}

/**
 * A download whose bytes do not hash to the object id (DESIGN rule 1): retried (a bit
 * flipped in transit), then reported with both digests and the byte count.
 */
export function corruptDataError(remote: { name: string; url: string }, expected: string, got: { sha256: string; bytes: number }): TransferError {
  return new TransferError(
    'corrupt',
    'ECORRUPT',
    `remote ${remote.name} (${remote.url}) sent corrupt data: expected sha256:${expected}, got sha256:${got.sha256} after ${got.bytes} bytes written`,
    { hint: `run \`dvd verify --remote ${remote.name}\`; if the object on the remote is damaged, push it again from a clone that has it` },
  );
}
