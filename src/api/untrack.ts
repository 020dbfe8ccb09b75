import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { withLock } from '../core/lock.js';
import { execBits, makePrivate, sharedFiles, type PrivateCopy } from '../core/privateCopies.js';
import { StatCache } from '../core/statCache.js';
import { removeFromGitignore } from '../git/removeFromGitignore.js';
import { checkout } from './checkout.js';
import { openRepo, type ApiContext } from './context.js';
import { gitTrackedLookup, recordInGit } from './gitFiles.js';

export interface UntrackResult {
  untracked: { target: string; pointerFile: string }[];
  /** Targets that were not in the workspace and were checked out from the cache first. */
  restored: string[];
  gitFiles: string[];
  /** The changes were staged (core.autostage). */
  staged: boolean;
  /** Pointers left in place because they or their targets cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/**
 * Stop tracking targets but keep their data in the workspace as plain, writable files:
 * links into the cache (hardlink/symlink cache types) are replaced by copies first, and
 * only then are the pointer and the .gitignore line removed.
 */
export async function untrack(ctx: ApiContext, opts: { targets: string[]; force?: boolean }): Promise<UntrackResult> {
  const { repo, config } = openRepo(ctx);
  const found = findPointers(repo.root, ctx.cwd, opts.targets, { gitTracked: gitTrackedLookup(repo.root) });
  const paths = new UserPaths(repo.root, ctx.cwd);
  // untrack works on whole targets: a path inside a folder would silently untrack all of it.
  const inside = found.refs.find((r) => r.scope);
  if (inside) {
    throw new DvdError('EBADTARGET', `${paths.show(`${inside.target}/${inside.scope![0]}`)}: inside ${paths.show(inside.target)}, tracked as a whole by ${paths.show(inside.pointerFile)}`, {
      hint: `untrack the whole folder: \`${paths.command('dvd untrack', [inside.target])}\``,
    });
  }
  // untrack keeps the data in the workspace; a target that is not there would be left
  // only in the cache, where the next gc removes it. It is checked out first, or, when
  // its objects are not in the cache either, left tracked and reported (unless -f).
  const { problems } = found;
  let refs = found.refs;
  const restored: string[] = [];
  const absent = refs.filter((r) => !fs.lstatSync(path.join(repo.root, r.target), { throwIfNoEntry: false }));
  if (absent.length && !opts.force) {
    const co = await checkout(ctx, { targets: absent.map((r) => path.join(repo.root, r.target)) });
    restored.push(...co.targets.map((t) => t.target));
    const notRestored = new Set([...co.missing.map((m) => m.pointerFile), ...co.problems.map((p) => p.pointerFile)]);
    for (const r of absent.filter((a) => notRestored.has(a.pointerFile))) {
      problems.push({
        pointerFile: r.pointerFile,
        code: 'ENOTINWORKSPACE',
        message: `${paths.show(r.target)}: not in the workspace, and its data is not all in the cache: untracking it would keep it nowhere`,
        hint: `get it first with \`${paths.command('dvd pull', [r.target])}\`, or stop tracking it anyway with \`${paths.command('dvd untrack -f', [r.target])}\``,
      });
    }
    problems.push(...co.problems.filter((p) => !problems.some((q) => q.message === p.message)));
    refs = refs.filter((r) => !notRestored.has(r.pointerFile));
  }
  return withLock(repo, 'untrack', async () => {
    const res: UntrackResult = { untracked: [], restored, gitFiles: [], staged: false, problems };
    // Every copy of a target is planned first: a link whose object is nowhere leaves that
    // target (and its pointer) as it was, reported with the others' problems.
    const planned: { ref: PointerRef; copies: PrivateCopy[] }[] = [];
    for (const ref of refs) {
      const copies = await forTarget(ref.pointerFile, problems, async () => sharedFiles(repo, ref, await execBits(repo, ref), paths));
      if (copies) planned.push({ ref, copies });
    }
    for (const { ref, copies } of planned) {
      for (const c of copies) makePrivate(c);
      fs.rmSync(path.join(repo.root, ref.pointerFile));
      const dir = path.posix.dirname(ref.target);
      const dirRel = dir === '.' ? '' : dir;
      removeFromGitignore(repo.root, dirRel, path.posix.basename(ref.target));
      StatCache.remove(repo, ref.target);
      res.untracked.push({ target: ref.target, pointerFile: ref.pointerFile });
      res.gitFiles.push(ref.pointerFile, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);
    }
    return { ...res, ...(await recordInGit(repo.root, config, res.gitFiles)) };
  });
}
