import { DvdError } from './errors.js';
import { quoteText } from './quoteText.js';

export const OID_RE = /^[0-9a-f]{64}$/;

/** Parse `sha256:<64 hex>` into the bare hex digest. */
export function parseOid(text: string, where: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(text);
  if (!m) throw new DvdError('EBADOID', `${where}: bad oid ${quoteText(text, 80)} (expected sha256:<64 lowercase hex>)`);
  return m[1];
}

export function formatOid(hex: string): string {
  return `sha256:${hex}`;
}
