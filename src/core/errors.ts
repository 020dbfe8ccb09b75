// One error class with a stable code, a message and a hint, so the CLI can print
// it uniformly and tests can match on `code`. Usage errors exit 2, all others 1.
export class DvdError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;
  readonly exitCode: number;

  constructor(code: string, message: string, opts: { hint?: string; data?: Record<string, unknown>; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DvdError';
    this.code = code;
    this.hint = opts.hint;
    this.data = opts.data;
    this.exitCode = opts.exitCode ?? 1;
  }
}

export function usageError(message: string, hint?: string): DvdError {
  return new DvdError('EUSAGE', message, { hint, exitCode: 2 });
}

/** True when `err` is a Node system error with exactly this errno code. */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
