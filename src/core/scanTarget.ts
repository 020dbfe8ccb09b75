import { forEachParallel } from './forEachParallel.js';
import { hashFile } from './hashFile.js';
import { StatCache } from './statCache.js';
import { walkAtParallel } from './parallelWalk.js';
import type { RefusedEntry, WalkEntry } from './walkTarget.js';
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
  /**
   * The oid of the manifest the files make, when the stat cache vouches for all of them
   * (statCache.ts matchesAll): no need to build and hash it. Undefined otherwise.
   */
  treeOid?: string;
  /** Leftover checkout temp files (walkTarget.ts); checkout deletes them. */
  temps: string[];
  /** What the target holds that dvd cannot store (links, fifos, untrackable names); not in `files`. */
  refused: RefusedEntry[];
  /** Other tools' metadata folders the walk skipped (target-relative). */
  skipped: string[];
}

export interface ScanOptions {
  repo: Repo;
  /** Repo-relative POSIX path of the target. */
  target: string;
  abs: string;
  jobs: number;
  /** Target-relative paths the pointer records (see WalkOptions.tracked). */
  tracked?: () => Iterable<string> | null;
  /** Scan only these target-relative paths of a folder target (scope.ts). */
  scope?: string[];
  onProgress?: (files: number, bytes: number, totalFiles: number) => void;
  /**
   * The oid the caller hopes the folder has (its pointer's). When the stat cache vouches
   * for exactly that tree, the files come back without their oids (empty strings): the
   * caller only needs the verdict, and 1,000,000 oid strings cost ~80 MB.
   */
  expectTree?: string;
}

/**
 * Every file of a target with its current oid. Files whose (inode, size, mtime) match
 * the stat cache keep their recorded oid; only the rest are hashed, in parallel. Newly
 * learned oids are recorded in the returned (unsaved) stat cache.
 */
export async function scanTarget(opts: ScanOptions): Promise<TargetScan> {
  const { repo, target, abs } = opts;
  const state = StatCache.load(repo, target);
  // The state's count says how big the folder was: a big one is walked on several threads.
  const { kind, entries, temps, skipped, refused } = await walkAtParallel(abs, { cacheDir: repo.cacheDir, root: repo.root, target, tracked: opts.tracked, scope: opts.scope }, state.size);
  const files = entries as ScannedFile[];
  // The whole folder as recorded (the common case of status): one pass over the state's
  // arrays, and the oids come from them in order.
  if (kind === 'dir' && !opts.scope && state.matchesAll(files)) {
    const known = state.treeOid !== undefined && state.treeOid === opts.expectTree;
    const oids = known ? null : state.oidsInOrder();
    for (let i = 0; i < files.length; i++) files[i].oid = oids ? oids[i] : '';
    return { kind, files, state, treeOid: state.treeOid, hashedFiles: 0, hashedBytes: 0, temps, skipped, refused };
  }
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
  return { kind, files, state, hashedFiles: toHash.length, hashedBytes, temps, skipped, refused };
}
