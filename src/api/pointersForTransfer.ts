import path from 'node:path';
import { POINTER_EXT } from '../core/pointer.js';
import { DVD_LOCK } from '../pipeline/lockFile.js';
import { workspaceRefs } from './workspaceRefs.js';
import { isErrno } from '../core/errors.js';
import { expandGlobs } from './expandGlobs.js';
import { toRepoPath } from '../core/relPath.js';
import { uniqueProblems, type PointerProblem } from '../core/pointerProblem.js';
import { normalizeScope } from '../core/scope.js';
import type { Logger } from './context.js';
import type { PointerSource } from './objectsOfPointers.js';
import { hasRevisionScope, pointersOfScope, type Scope } from './pointersOfScope.js';
import { gitTrackedLookup } from './gitFiles.js';

const under = (p: string, dir: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);

/**
 * The pointers push/fetch/pull move: the workspace's (or the named targets'), plus with
 * --all-branches/--all-tags/--all-commits/--rev every pointer committed at those
 * revisions, read from Git objects (labelled `REV:path`) and de-duplicated by object.
 * Targets narrow the revisions' pointers too; a target that only exists at a revision
 * is fine. Cached outputs recorded in dvd.lock count as pointers (workspaceRefs).
 */
export async function pointersForTransfer(
  root: string,
  cwd: string,
  o: Scope & { targets?: string[]; glob?: boolean },
  log?: Logger,
): Promise<{ pointers: PointerSource[]; problems: PointerProblem[] }> {
  const targets = o.glob ? await expandGlobs(root, cwd, o.targets ?? [], { tracked: true }) : (o.targets ?? []);
  if (!hasRevisionScope(o)) {
    const { refs, problems } = workspaceRefs(root, cwd, targets, { gitTracked: gitTrackedLookup(root) });
    return { pointers: refs, problems };
  }
  const scope = await pointersOfScope(root, { ...o, workspace: false }, cwd, log);
  const out: PointerSource[] = [];
  const problems: PointerProblem[] = [];
  const workspace = (ts: string[]) => {
    const scan = workspaceRefs(root, cwd, ts, { gitTracked: gitTrackedLookup(root) });
    out.push(...scan.refs);
    problems.push(...scan.problems);
  };
  if (targets.length === 0) workspace([]);
  else {
    for (const t of targets) {
      try {
        workspace([t]);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOTTRACKED' && !isErrno(err, 'ENOENT')) throw err;
      }
    }
  }
  const wanted = targets.map((t) => toRepoPath(root, path.resolve(cwd, t))).filter((p): p is string => p !== null);
  // An output recorded in dvd.lock carries its target; its file is dvd.lock.
  const targetOf = (pointerFile: string, name?: string, target?: string) => {
    const file = pointerFile.slice(pointerFile.indexOf(':') + 1);
    return { file, target: target ?? file.slice(0, -POINTER_EXT.length).replace(/[^/]*$/, (own) => name ?? own) };
  };
  for (const p of scope.pointers) {
    if (wanted.length === 0) {
      out.push(p);
      continue;
    }
    const { file, target } = targetOf(p.pointerFile, p.pointer.path, p.target);
    if (wanted.some((w) => under(target, w) || w === file)) out.push(p);
    else {
      // Paths inside the folder: that part of it, where the revision has it (scope.ts).
      const inside = wanted.filter((w) => w.startsWith(`${target}/`)).map((w) => w.slice(target.length + 1));
      if (inside.length && p.pointer.type === 'dir') out.push({ ...p, target, scope: normalizeScope(inside), scopeMayMiss: true });
      else if (inside.length) out.push(p);
    }
  }
  // A pointer that cannot be read is judged by its file name; a dvd.lock that cannot be
  // read may record an output under any target.
  for (const p of scope.problems) {
    const { file, target } = targetOf(p.pointerFile);
    if (wanted.length === 0 || file === DVD_LOCK || wanted.some((w) => under(target, w) || under(w, target) || w === file)) problems.push(p);
  }
  return { pointers: out, problems: uniqueProblems(problems) };
}
