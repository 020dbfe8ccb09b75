import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';

const FANOUT_RE = /^[0-9a-f]{2}$/;
const REST_RE = /^[0-9a-f]{62}$/;

/** Every object in the local cache with its size (walks `sha256/xx/`; anything else there is ignored). */
export function listCacheObjects(cacheDir: string): { oid: string; size: number }[] {
  const base = path.join(cacheDir, 'sha256');
  let fans: string[];
  try {
    fans = fs.readdirSync(base);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const out: { oid: string; size: number }[] = [];
  for (const fan of fans) {
    if (!FANOUT_RE.test(fan)) continue;
    for (const rest of fs.readdirSync(path.join(base, fan))) {
      if (!REST_RE.test(rest)) continue;
      const st = fs.lstatSync(path.join(base, fan, rest), { throwIfNoEntry: false });
      if (st?.isFile()) out.push({ oid: fan + rest, size: st.size });
    }
  }
  return out;
}
