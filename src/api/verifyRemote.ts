import fs from 'node:fs';
import { forEachParallel } from '../core/forEachParallel.js';
import { withLock } from '../core/lock.js';
import { tempPath } from '../core/objects.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { openRepo, type ApiContext } from './context.js';

export interface VerifyRemoteResult {
  remote: string;
  url: string;
  checked: number;
  bytes: number;
  /** Objects whose bytes on the remote do not hash to their key. Left in place: see the hint. */
  damaged: { oid: string; actual: string }[];
  /** Keys under sha256/ that are not object names. */
  strays: string[];
}

const KEY_RE = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;

/**
 * Download every object of a remote and re-hash it: the store's own checksums (ETags,
 * x-amz-meta-sha256) are never trusted (DESIGN: S3 facts). Costs one full download of
 * the remote, streamed through .dvd/tmp one object per job and never kept.
 */
export async function verifyRemote(ctx: ApiContext, opts: { remote?: string; jobs?: number } = {}): Promise<VerifyRemoteResult> {
  const { repo, config } = openRepo(ctx);
  const { remote, jobs } = openCheckedRemote(repo.root, config, opts.remote, { jobs: opts.jobs, warn: (m) => ctx.log.warn(m) });
  // The lock keeps another dvd from clearing .dvd/tmp under our downloads.
  return withLock(repo, 'verify', async () => {
    const res: VerifyRemoteResult = { remote: remote.name, url: remote.url, checked: 0, bytes: 0, damaged: [], strays: [] };
    try {
      const prefixes = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
      const keys: string[] = [];
      await forEachParallel(prefixes, jobs, async (p) => {
        keys.push(...(await remote.list(`sha256/${p}/`)));
      });
      keys.sort();
      const progress = ctx.progress(`verify ${remote.name}`);
      await forEachParallel(keys, jobs, async (key) => {
        const m = KEY_RE.exec(key);
        if (!m) {
          res.strays.push(key);
          return;
        }
        const oid = m[1] + m[2];
        const tmp = tempPath(repo);
        try {
          const got = await remote.get(key, tmp, {});
          res.checked++;
          res.bytes += got.bytes;
          if (got.sha256 !== oid) res.damaged.push({ oid, actual: got.sha256 });
        } finally {
          await fs.promises.rm(tmp, { force: true });
        }
        progress.update({ items: res.checked, bytes: res.bytes, totalItems: keys.length });
      });
      progress.finish();
    } finally {
      remote.close();
    }
    res.damaged.sort((a, b) => (a.oid < b.oid ? -1 : 1));
    res.strays.sort();
    return res;
  });
}
