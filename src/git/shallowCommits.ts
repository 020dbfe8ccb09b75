import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { toHandle, type GitRepo } from './gitHandle.js';

// A shallow clone (`git clone --depth N`, the default of most CI systems) lists the
// commits whose parents it lacks in `<common dir>/shallow`. Git grafts those parents
// away: `git log` ends there and `HEAD~N` past them does not exist. Every walk here does
// the same (readCommitInfo reports such a commit as parentless).
const cache = new WeakMap<object, Set<string>>();

/** The commits at the shallow boundary; empty for a complete repository. */
export function shallowCommits(repo: GitRepo): Set<string> {
  const h = toHandle(repo);
  let set = cache.get(h.cache);
  if (!set) {
    set = new Set();
    try {
      for (const line of fs.readFileSync(path.join(h.commonDir, 'shallow'), 'utf8').split('\n')) if (/^[0-9a-f]{40}$/.test(line.trim())) set.add(line.trim());
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    cache.set(h.cache, set);
  }
  return set;
}

/** Whether this is a shallow clone. */
export function isShallow(repo: GitRepo): boolean {
  return shallowCommits(repo).size > 0;
}

/** The hint for anything that needs history a shallow clone does not have. */
export const UNSHALLOW_HINT = 'run `git fetch --unshallow` (or `git fetch --deepen=N`) to get the older commits';
