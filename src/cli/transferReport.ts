import { DvdError } from '../core/errors.js';
import type { TransferFailure } from '../remote/TransferQueue.js';
import { transferFailuresError } from '../remote/TransferQueue.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** JSON-friendly failures: object, who needs it, error code and message. */
export function failuresJson(failed: TransferFailure[]) {
  return failed.map((f) => ({ oid: f.item.oid, neededBy: f.item.neededBy, code: (f.error as DvdError).code ?? 'EUNKNOWN', message: f.error.message }));
}

/** Throw one error listing every failed object, so the command exits 1 after printing its summary. */
export function throwIfFailed(verb: string, failed: TransferFailure[], remote: string): void {
  if (failed.length) throw transferFailuresError(verb, failed, remote);
}
