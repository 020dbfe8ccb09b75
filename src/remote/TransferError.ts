import { DvdError } from '../core/errors.js';

// Errors from a backend, classified by what the transfer queue should do with them
// (git-lfs's habit): try again soon, try again later (throttled), give up on this one
// object (missing, or corrupt after retries), or stop everything (fatal: bad
// credentials, no bucket - every other object would fail the same way).
export type TransferErrorKind = 'retriable' | 'throttled' | 'missing' | 'corrupt' | 'fatal';

export class TransferError extends DvdError {
  readonly kind: TransferErrorKind;
  /** Server's Retry-After, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(
    kind: TransferErrorKind,
    code: string,
    message: string,
    opts: { hint?: string; retryAfterMs?: number; cause?: unknown; data?: Record<string, unknown> } = {},
  ) {
    super(code, message, { hint: opts.hint, cause: opts.cause, data: opts.data });
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
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
