import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hasGitBinary } from './catFileBatch.js';
import { gitHandle, type GitHandle } from './gitHandle.js';
import { isoGit } from './isoGit.js';

export type TrackedChecker = (relPath: string) => boolean;

/**
 * Paths in the index. Measured on a 100,000-entry index: isomorphic-git's listFiles takes
 * 600 ms, `git ls-files -z` 70 ms (with the split), so the binary is used when present.
 */
async function indexFiles(h: GitHandle): Promise<string[]> {
  if (hasGitBinary() && h.dir) {
    const r = spawnSync('git', ['ls-files', '-z'], { cwd: h.dir, maxBuffer: 1 << 30 });
    if (r.status === 0) {
      const files = r.stdout.toString('utf8').split('\0');
      files.pop();
      return files;
    }
  }
  const git = await isoGit();
  return git.listFiles({ fs: h.fs, dir: h.dir, gitdir: h.gitdir, cache: h.cache });
}

// Parsed once per index version: `dvd add` of many targets asks once per target, and a
// big index (100k entries) takes ~100 ms to list, so re-reading it per target would
// dominate. Keyed by the index file's mtime+size so a `git add` in between is seen.
const checkers = new Map<string, { stamp: string; check: TrackedChecker }>();

/**
 * A checker answering whether a repo-relative POSIX path, or any file under it, is in
 * Git's index. Reads the index once; each question is a binary search.
 */
export async function gitIndexChecker(root: string): Promise<TrackedChecker> {
  const h = gitHandle(root);
  const indexFile = path.join(h.gitdir, 'index');
  let stamp = 'none';
  try {
    const st = fs.statSync(indexFile);
    stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    // No index yet (fresh `git init`): nothing is tracked.
  }
  const hit = checkers.get(h.gitdir);
  if (hit && hit.stamp === stamp) return hit.check;
  const files = stamp === 'none' ? [] : await indexFiles(h);
  // Sorted in JS string order (not Git's byte order) so the binary search below uses the
  // same order it was sorted in; all paths under "p/" are then contiguous.
  const sorted = files.slice().sort();
  const exact = new Set(sorted);
  const check: TrackedChecker = (relPath) => {
    const p = relPath.replace(/\/+$/, '');
    if (p === '' || p === '.') return sorted.length > 0;
    if (exact.has(p)) return true;
    const prefix = `${p}/`;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo].startsWith(prefix);
  };
  checkers.set(h.gitdir, { stamp, check });
  return check;
}

/** Whether `relPath` (repo-relative, POSIX), or any file under it, is in Git's index. */
export async function isTrackedByGit(root: string, relPath: string): Promise<boolean> {
  return (await gitIndexChecker(root))(relPath);
}
