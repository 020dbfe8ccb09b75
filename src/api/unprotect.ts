import fs from 'node:fs';
import path from 'node:path';
import { detachFromCache } from '../core/detachFromCache.js';
import { DvdError } from '../core/errors.js';
import { enclosingPointer } from '../core/findPointers.js';
import { withLock } from '../core/lock.js';
import { openRepo, type ApiContext } from './context.js';
import { resolveTargets } from './resolveTargets.js';

export interface UnprotectResult {
  /** Per path as typed: how many files became private copies (0: they already were). */
  paths: { path: string; target: string; copied: number }[];
}

/**
 * `dvd unprotect PATH...`: with the hardlink/symlink cache types a workspace file is the
 * cache object itself (read-only); replace it by a writable private copy so it can be
 * edited, as `dvc unprotect` does. PATH is a tracked target or anything inside one; the
 * pointer is not changed (`dvd commit` records the edit and links the file again).
 */
export async function unprotect(ctx: ApiContext, o: { targets: string[] }): Promise<UnprotectResult> {
  const { repo } = openRepo(ctx);
  const resolved = resolveTargets(repo.root, ctx.cwd, o.targets);
  const refs = resolved.map((t) => {
    const ref = enclosingPointer(repo.root, t.rel);
    if (!ref) throw new DvdError('ENOTTRACKED', `${t.arg}: not tracked by dvd`, { hint: 'unprotect works on tracked data (dvd add it first)' });
    if (!fs.lstatSync(t.abs, { throwIfNoEntry: false })) {
      throw new DvdError('ENOENT', `${t.arg}: not in the workspace`, { hint: `check it out first: dvd checkout ${path.relative(ctx.cwd, path.join(repo.root, ref.target)) || '.'}` });
    }
    return { t, ref };
  });
  return withLock(repo, 'unprotect', async () => ({
    paths: refs.map(({ t, ref }) => ({ path: t.rel, target: ref.target, copied: detachFromCache(t.abs) })),
  }));
}
