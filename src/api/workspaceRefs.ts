import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers, type FindOptions, type PointerRef, type PointerScan } from '../core/findPointers.js';
import { POINTER_EXT } from '../core/pointer.js';
import { problemOf, uniqueProblems, type PointerProblem } from '../core/pointerProblem.js';
import { toRepoPath } from '../core/relPath.js';
import { normalizeScope } from '../core/scope.js';
import { UserPaths } from '../core/userPaths.js';
import { isSameOrInside } from '../pipeline/buildDag.js';
import { DVD_LOCK, readLock } from '../pipeline/lockFile.js';
import { relabelPipelineError } from '../pipeline/pipelineError.js';
import { lockOutputRefs } from './lockOutputs.js';

/** The cached outputs of the workspace's dvd.lock, or why dvd.lock cannot be read (a problem naming it as the user sees it). */
function lockOutputsOrProblem(root: string, paths: UserPaths): { outputs: PointerRef[]; problem: PointerProblem | null } {
  try {
    return { outputs: lockOutputRefs(readLock(root)), problem: null };
  } catch (err) {
    if (!(err instanceof DvdError && err.code === 'EPIPELINE')) throw err;
    const shown = relabelPipelineError(err, paths.show(DVD_LOCK));
    const hint = shown.hint ?? `dvd.lock is written by dvd: restore it with \`git checkout -- ${paths.arg(DVD_LOCK)}\`, or run \`dvd repro\` to write it again`;
    return { outputs: [], problem: problemOf(DVD_LOCK, new DvdError(shown.code, shown.message, { hint })) };
  }
}

/** Refs for one pointer file and target merged: paths inside it add up, the whole target wins (as findPointers merges). */
function mergeRef(had: PointerRef | undefined, r: PointerRef): PointerRef {
  if (!had || !had.scope) return had ?? r;
  return r.scope ? { ...had, scope: normalizeScope([...had.scope, ...r.scope]) } : r;
}

/**
 * What the data commands (checkout, push, fetch, pull) cover in the workspace: every
 * `.dvd` pointer named by `targets` (paths as typed, relative to cwd) and every cached
 * output dvd.lock records there. A target may be an output, a folder holding outputs, a
 * path inside a folder output (that part of it, as for a tracked folder: `scope`), or
 * `dvd.lock` itself (all of them). No targets: everything. Refs sorted by pointer file,
 * then target.
 *
 * A dvd.lock that cannot be read is a problem (pointer file `dvd.lock`), as an unreadable
 * pointer is: reported whenever a target may hold outputs (no targets, dvd.lock, a
 * folder, a path no pointer tracks), the other targets are still done. Throws as
 * findPointers does for a target outside the repository or tracked by nothing, and
 * ENOTTRACKED for a path inside an output that is a file. `opts` go to findPointers
 * (`gitTracked` words the fix for copied pointers).
 */
export function workspaceRefs(root: string, cwd: string, targets: string[] = [], opts: FindOptions = {}): PointerScan {
  const paths = new UserPaths(root, cwd);
  const { outputs, problem } = lockOutputsOrProblem(root, paths);
  const problems: PointerProblem[] = [];
  if (targets.length === 0) {
    const scan = findPointers(root, cwd, [], opts);
    return { refs: [...scan.refs, ...outputs], problems: problem ? [...scan.problems, problem] : scan.problems };
  }
  const out = new Map<string, PointerRef>();
  const put = (r: PointerRef) => {
    const key = `${r.pointerFile}\0${r.target}`;
    out.set(key, mergeRef(out.get(key), r));
  };
  let lockNeeded = false;
  for (const t of targets) {
    const rel = toRepoPath(root, path.resolve(cwd, t));
    if (rel === '' || rel === DVD_LOCK) {
      lockNeeded = true;
      outputs.forEach(put);
      if (rel === DVD_LOCK) continue;
    }
    let hits = 0;
    if (rel !== null && rel !== '') {
      for (const o of outputs) {
        if (isSameOrInside(o.target, rel)) {
          put(o);
          hits++;
        } else if (isSameOrInside(rel, o.target)) {
          if (o.pointer.type === 'file') throw new DvdError('ENOTTRACKED', `${t}: ${paths.show(o.target)} is a file, an output recorded in ${paths.show(DVD_LOCK)}`);
          put({ ...o, scope: [rel.slice(o.target.length + 1)] });
          hits++;
        }
      }
    }
    let scan: PointerScan;
    try {
      scan = findPointers(root, cwd, [t], opts);
    } catch (err) {
      // A path that only outputs cover is fine; with no output either, the error stands,
      // unless dvd.lock, which might name it, cannot be read.
      if (!(err instanceof DvdError && err.code === 'ENOTTRACKED')) throw err;
      if (hits) continue;
      if (problem) {
        lockNeeded = true;
        continue;
      }
      throw err;
    }
    scan.refs.forEach(put);
    problems.push(...scan.problems);
    // A pointer file, or a path a pointer tracks, holds no output (stage add refuses the
    // overlap); any other target may.
    const settled = rel !== null && (rel.endsWith(POINTER_EXT) || scan.refs.some((r) => isSameOrInside(rel, r.target)));
    if (!settled) lockNeeded = true;
  }
  if (problem && lockNeeded) problems.push(problem);
  const refs = [...out.values()].sort((a, b) => (a.pointerFile < b.pointerFile ? -1 : a.pointerFile > b.pointerFile ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { refs, problems: uniqueProblems(problems) };
}
