import fs from 'node:fs';
import { DvdError } from './errors.js';
import { forEachParallel } from './forEachParallel.js';
import { hashFile } from './hashFile.js';
import { StatCache } from './statCache.js';
import { walkTarget, type WalkEntry } from './walkTarget.js';
import type { Repo } from './repo.js';

export interface ScannedFile extends WalkEntry {
  oid: string;
}

export interface TargetScan {
  /** What is in the workspace at the target's path now. */
  kind: 'dir' | 'file' | 'missing';
  /** Paths relative to the target; a file target is the single path ''. */
  files: ScannedFile[];
  state: StatCache;
  hashedFiles: number;
  hashedBytes: number;
}

export interface ScanOptions {
  repo: Repo;
  /** Repo-relative POSIX path of the target. */
  target: string;
  abs: string;
  jobs: number;
  onProgress?: (files: number, bytes: number, totalFiles: number) => void;
}

/**
 * Every file of a target with its current oid. Files whose (inode, size, mtime) match
 * the stat cache keep their recorded oid; only the rest are hashed, in parallel. Newly
 * learned oids are recorded in the returned (unsaved) stat cache.
 */
export async function scanTarget(opts: ScanOptions): Promise<TargetScan> {
  const { repo, target, abs } = opts;
  const state = StatCache.load(repo, target);
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  let kind: TargetScan['kind'];
  let walked: WalkEntry[];
  if (!st) {
    kind = 'missing';
    walked = [];
  } else if (st.isDirectory()) {
    kind = 'dir';
    walked = walkTarget(abs, repo.cacheDir);
  } else {
    kind = 'file';
    // A single-file target may be a symlink into the cache (cache type symlink).
    walked = st.isSymbolicLink() ? walkSingleLink(abs, repo.cacheDir) : [{
      path: '', size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, exec: (st.mode & 0o100) !== 0,
      execUnknown: st.nlink > 1 && (st.mode & 0o222) === 0 ? true : undefined,
    }];
  }
  const files = walked as ScannedFile[];
  const toHash: ScannedFile[] = [];
  for (const f of files) {
    const known = f.linkOid ?? state.lookup(f.path, f);
    if (known) f.oid = known;
    else toHash.push(f);
  }
  let hashedBytes = 0;
  let done = 0;
  await forEachParallel(toHash, opts.jobs, async (f) => {
    const { oid } = await hashFile(f.path === '' ? abs : `${abs}/${f.path}`);
    f.oid = oid;
    state.record(f.path, f, oid);
    hashedBytes += f.size;
    done++;
    opts.onProgress?.(done, hashedBytes, toHash.length);
  });
  return { kind, files, state, hashedFiles: toHash.length, hashedBytes };
}

function walkSingleLink(abs: string, cacheDir: string): WalkEntry[] {
  // A symlinked single-file target is either a cache object (cache type symlink) or refused.
  const target = fs.readlinkSync(abs);
  const m = /sha256[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{62})$/.exec(target);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  const lst = fs.lstatSync(abs);
  if (m && st && target.startsWith(cacheDir)) {
    return [{ path: '', size: st.size, mtimeMs: lst.mtimeMs, ino: lst.ino, exec: false, linkOid: m[1] + m[2], execUnknown: true }];
  }
  throw new DvdError('ESYMLINK', `${abs}: is a symbolic link; dvd does not track links`, {
    hint: 'replace the link with the file it points to',
  });
}
