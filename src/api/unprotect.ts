import fs from 'node:fs';
import { DvdError } from '../core/errors.js';
import { enclosingPointer, type PointerRef } from '../core/findPointers.js';
import { withLock } from '../core/lock.js';
import { execBits, makePrivate, sharedFiles } from '../core/privateCopies.js';
import { UserPaths } from '../core/userPaths.js';
import { openRepo, type ApiContext } from './context.js';
import { isSameOrInside } from '../pipeline/buildDag.js';
import { readLock } from '../pipeline/lockFile.js';
import { lockOutputRefs } from './lockOutputs.js';
import { resolveTargets } from './resolveTargets.js';

export interface UnprotectResult {
  /** Per path as typed: how many files became private copies (0: they already were). */
  paths: { path: string; target: string; copied: number }[];
}

/**
 * `dvd unprotect PATH...`: with the hardlink/symlink cache types a workspace file is the
 * cache object itself (read-only); replace it by a writable private copy so it can be
 * edited, as `dvc unprotect` does. PATH is a tracked target (a stage output recorded in
 * dvd.lock too) or anything inside one; the pointer is not changed (`dvd commit` records the edit and links the file again). The
 * copies are what untrack makes (core/privateCopies.ts): the version's executable bits,
 * the umask's mode, and dvd's links of a moved repository read from this cache. Every
 * path is checked before any file changes (ENOOBJECT when a link's object is nowhere).
 */
export async function unprotect(ctx: ApiContext, o: { targets: string[] }): Promise<UnprotectResult> {
  const { repo } = openRepo(ctx);
  const paths = new UserPaths(repo.root, ctx.cwd);
  const resolved = resolveTargets(repo.root, ctx.cwd, o.targets);
  // A stage output recorded in dvd.lock is tracked data too (read only when needed).
  let outputs: PointerRef[] | undefined;
  const outputAround = (rel: string) => (outputs ??= lockOutputRefs(readLock(repo.root))).find((out) => isSameOrInside(rel, out.target)) ?? null;
  const refs = resolved.map((t) => {
    const ref = enclosingPointer(repo.root, t.rel, ctx.cwd) ?? outputAround(t.rel);
    if (!ref) throw new DvdError('ENOTTRACKED', `${t.arg}: not tracked by dvd`, { hint: 'unprotect works on tracked data (dvd add it first)' });
    if (!fs.lstatSync(t.abs, { throwIfNoEntry: false })) {
      throw new DvdError('ENOENT', `${t.arg}: not in the workspace`, { hint: `check it out first: \`${paths.command('dvd checkout', [ref.target])}\`` });
    }
    return { t, ref, inner: t.rel === ref.target ? '' : t.rel.slice(ref.target.length + 1) };
  });
  return withLock(repo, 'unprotect', async () => {
    const planned = [];
    for (const { t, ref, inner } of refs) planned.push({ t, ref, copies: sharedFiles(repo, ref, await execBits(repo, ref), paths, inner) });
    return {
      paths: planned.map(({ t, ref, copies }) => {
        for (const c of copies) makePrivate(c);
        return { path: t.rel, target: ref.target, copied: copies.length };
      }),
    };
  });
}
