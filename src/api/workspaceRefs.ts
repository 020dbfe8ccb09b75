import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { toRepoPath } from '../core/relPath.js';
import { isSameOrInside } from '../pipeline/buildDag.js';
import { DVD_LOCK, readLock } from '../pipeline/lockFile.js';
import { lockOutputRefs } from './lockOutputs.js';

/**
 * What the data commands (checkout, push, fetch, pull) cover in the workspace: every
 * `.dvd` pointer named by `targets` (paths as typed, relative to cwd) and every cached
 * output dvd.lock records there. A target may be an output, a folder holding outputs, a
 * path inside an output (the whole output is covered), or `dvd.lock` itself (all of
 * them). No targets: everything. Sorted by pointer file, then target.
 */
export function workspaceRefs(root: string, cwd: string, targets: string[] = []): PointerRef[] {
  const outputs = lockOutputRefs(readLock(root));
  if (targets.length === 0) return [...findPointers(root, cwd, []), ...outputs];
  const out = new Map<string, PointerRef>();
  for (const t of targets) {
    const rel = toRepoPath(root, path.resolve(cwd, t));
    const hits = rel === null ? [] : rel === '' || rel === DVD_LOCK ? outputs : outputs.filter((o) => isSameOrInside(rel, o.target) || isSameOrInside(o.target, rel));
    for (const h of hits) out.set(`${h.pointerFile}\0${h.target}`, h);
    if (rel === DVD_LOCK) continue;
    let refs: PointerRef[];
    try {
      refs = findPointers(root, cwd, [t]);
    } catch (err) {
      // A path that only outputs cover is fine; with no output either, the error stands.
      if (hits.length && err instanceof DvdError && err.code === 'ENOTTRACKED') continue;
      throw err;
    }
    for (const r of refs) out.set(`${r.pointerFile}\0${r.target}`, r);
  }
  return [...out.values()].sort((a, b) => (a.pointerFile < b.pointerFile ? -1 : a.pointerFile > b.pointerFile ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
