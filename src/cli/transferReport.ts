import { DvdError } from '../core/errors.js';
import type { TransferFailure } from '../remote/TransferQueue.js';
import { transferFailuresError } from '../remote/TransferQueue.js';
import { formatBytes } from './formatBytes.js';

export { formatBytes };

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** JSON-friendly failures: object, who needs it, error code and message. */
export function failuresJson(failed: TransferFailure[]) {
  return failed.map((f) => ({ oid: f.item.oid, neededBy: f.item.neededBy, code: (f.error as DvdError).code ?? 'EUNKNOWN', message: f.error.message }));
}

/** Throw one error listing every failed object, so the command exits 1 after printing its summary. */
export function throwIfFailed(verb: string, failed: TransferFailure[], remote: string): void {
  if (failed.length === 0) return;
  const err = transferFailuresError(verb, failed, remote);
  // Nothing was asked of a remote (none is set): the fix is to set one, not to push or retry.
  const noRemote = failed.every((f) => (f.error as DvdError).code === 'ENOREMOTE');
  throw noRemote ? new DvdError(err.code, err.message, { hint: (failed[0].error as DvdError).hint, data: err.data }) : err;
}
