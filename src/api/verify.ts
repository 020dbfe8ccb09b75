import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { hashFile } from '../core/hashFile.js';
import { withLock } from '../core/lock.js';
import { OID_RE } from '../core/oid.js';
import { openRepo, type ApiContext } from './context.js';

export interface VerifyResult {
  checked: number;
  bytes: number;
  /** Objects whose content no longer hashes to their name; moved to the quarantine folder. */
  damaged: { oid: string; actual: string; quarantinedTo: string }[];
  /** Files in the cache that are not objects (wrong name); left alone. */
  strays: string[];
}

/** Re-hash every object in the local cache; quarantine the damaged ones so pull can fetch them again. */
export async function verify(ctx: ApiContext, opts: { jobs?: number } = {}): Promise<VerifyResult> {
  const { repo } = openRepo(ctx);
  return withLock(repo, 'verify', async () => {
    const root = path.join(repo.cacheDir, 'sha256');
    const objects: string[] = [];
    const res: VerifyResult = { checked: 0, bytes: 0, damaged: [], strays: [] };
    let fanouts: string[] = [];
    try {
      fanouts = fs.readdirSync(root);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    for (const d of fanouts.sort()) {
      for (const name of fs.readdirSync(path.join(root, d)).sort()) {
        const oid = d + name;
        if (OID_RE.test(oid)) objects.push(oid);
        else res.strays.push(path.join(root, d, name));
      }
    }
    const progress = ctx.progress('verify');
    const quarantine = path.join(repo.cacheDir, 'quarantine');
    await forEachParallel(objects, opts.jobs ?? 8, async (oid) => {
      const file = path.join(root, oid.slice(0, 2), oid.slice(2));
      const { oid: actual, size } = await hashFile(file);
      res.checked++;
      res.bytes += size;
      progress.update({ items: res.checked, bytes: res.bytes, totalItems: objects.length });
      if (actual === oid) return;
      fs.mkdirSync(quarantine, { recursive: true });
      const to = path.join(quarantine, oid);
      fs.renameSync(file, to);
      res.damaged.push({ oid, actual, quarantinedTo: to });
    });
    progress.finish();
    res.damaged.sort((a, b) => (a.oid < b.oid ? -1 : 1));
    return res;
  });
}
