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
import { openRepo, type ApiContext } from './context.js';
import { gitTrackedLookup, recordInGit } from './gitFiles.js';

export interface UntrackResult {
  untracked: { target: string; pointerFile: string }[];
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
export async function untrack(ctx: ApiContext, opts: { targets: string[] }): Promise<UntrackResult> {
  const { repo, config } = openRepo(ctx);
  const { refs, problems } = findPointers(repo.root, ctx.cwd, opts.targets, { gitTracked: gitTrackedLookup(repo.root) });
  const paths = new UserPaths(repo.root, ctx.cwd);
  // untrack works on whole targets: a path inside a folder would silently untrack all of it.
  const inside = refs.find((r) => r.scope);
  if (inside) {
    throw new DvdError('EBADTARGET', `${paths.show(`${inside.target}/${inside.scope![0]}`)}: inside ${paths.show(inside.target)}, tracked as a whole by ${paths.show(inside.pointerFile)}`, {
      hint: `untrack the whole folder: \`${paths.command('dvd untrack', [inside.target])}\``,
    });
  }
  return withLock(repo, 'untrack', async () => {
    const res: UntrackResult = { untracked: [], gitFiles: [], staged: false, problems };
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
