import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers } from '../core/findPointers.js';
import { withLock } from '../core/lock.js';
import { POINTER_EXT } from '../core/pointer.js';
import { StatCache } from '../core/statCache.js';
import { UserPaths } from '../core/userPaths.js';
import { writePointer } from '../core/writePointer.js';
import { addToGitignore } from '../git/addToGitignore.js';
import { removeFromGitignore } from '../git/removeFromGitignore.js';
import { checkNewTarget } from './checkNewTarget.js';
import { openRepo, type ApiContext } from './context.js';
import { resolveTargets } from './resolveTargets.js';
import { gitTrackedLookup, recordInGit, usesGit } from './gitFiles.js';

export interface MoveResult {
  from: string;
  to: string;
  pointerFrom: string;
  pointerTo: string;
  /** False when the data was not in the workspace (only the pointer moved). */
  movedData: boolean;
  /** Files Git should record: both pointers and both .gitignore files. */
  gitFiles: string[];
  staged: boolean;
}

const dirOf = (rel: string) => {
  const d = path.posix.dirname(rel);
  return d === '.' ? '' : d;
};
const gitignoreOf = (dirRel: string) => (dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);

/**
 * `dvd move SRC DST`: rename a tracked target. The data, its pointer (renamed after DST)
 * and its `.gitignore` line move together, into another folder too (created if needed);
 * a DST that is an existing folder receives SRC under its own name, as `mv` does. The
 * stat cache follows, so nothing is hashed again. Refuses, changing nothing, when DST or
 * its pointer exists, or lies inside tracked data, .dvd/ or .git/.
 */
export async function move(ctx: ApiContext, o: { src: string; dst: string }): Promise<MoveResult> {
  const { repo, config } = openRepo(ctx);
  const paths = new UserPaths(repo.root, ctx.cwd);
  const [src] = resolveTargets(repo.root, ctx.cwd, [o.src.endsWith(POINTER_EXT) ? o.src.slice(0, -POINTER_EXT.length) : o.src]);
  const found = findPointers(repo.root, ctx.cwd, [src.arg], { gitTracked: gitTrackedLookup(repo.root) });
  const ref = found.refs[0];
  // The one pointer to move must be usable: a damaged one (or two for one target) is the error.
  if (found.problems.length && ref?.target !== src.rel) {
    const bad = found.problems[0];
    throw new DvdError(bad.code, bad.message, { hint: bad.hint });
  }
  if (!ref || ref.target !== src.rel) {
    const inside = ref !== undefined && src.rel.startsWith(`${ref.target}/`);
    throw new DvdError('ENOTTRACKED', `${o.src}: not a tracked target${inside ? ` (it is inside ${paths.show(ref.target)})` : ref ? ' (it holds tracked targets; move them one by one)' : ''}`, {
      hint: inside ? `move the whole target (\`${paths.command('dvd move', [ref.target])} ...\`), or change the data and \`dvd commit\`` : undefined,
    });
  }
  let [dst] = resolveTargets(repo.root, ctx.cwd, [o.dst]);
  if (fs.statSync(dst.abs, { throwIfNoEntry: false })?.isDirectory() && dst.rel !== src.rel) {
    [dst] = resolveTargets(repo.root, ctx.cwd, [path.join(o.dst, path.basename(src.abs))]);
  }
  const name = path.posix.basename(dst.rel);
  if (dst.rel === src.rel) throw new DvdError('EBADTARGET', `${o.dst}: is ${o.src} itself`);
  if (dst.rel.startsWith(`${src.rel}/`)) throw new DvdError('EBADTARGET', `${o.dst}: inside ${o.src}, which is being moved`);
  checkNewTarget(repo.root, dst, paths, 'choose a new name, or remove it first');
  const pointerTo = `${dst.rel}${POINTER_EXT}`;

  return withLock(repo, 'move', async () => {
    fs.mkdirSync(path.dirname(dst.abs), { recursive: true });
    const movedData = fs.lstatSync(src.abs, { throwIfNoEntry: false }) !== undefined;
    if (movedData) fs.renameSync(src.abs, dst.abs);
    writePointer(repo.root, pointerTo, { ...ref.pointer, path: name });
    fs.rmSync(path.join(repo.root, ref.pointerFile));
    removeFromGitignore(repo.root, dirOf(src.rel), path.posix.basename(src.rel));
    if (usesGit(repo.root, config)) addToGitignore(repo.root, dirOf(dst.rel), name);
    StatCache.rename(repo, src.rel, dst.rel);
    const { gitFiles, staged } = await recordInGit(repo.root, config, [ref.pointerFile, pointerTo, gitignoreOf(dirOf(src.rel)), gitignoreOf(dirOf(dst.rel))]);
    return { from: src.rel, to: dst.rel, pointerFrom: ref.pointerFile, pointerTo, movedData, gitFiles, staged };
  });
}
