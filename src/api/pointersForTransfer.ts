import path from 'node:path';
import { findPointers } from '../core/findPointers.js';
import { isErrno } from '../core/errors.js';
import { expandGlobs } from './expandGlobs.js';
import { toRepoPath } from '../core/relPath.js';
import type { PointerSource } from './objectsOfPointers.js';
import { hasRevisionScope, pointersOfScope, type Scope } from './pointersOfScope.js';

const under = (p: string, dir: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);

/**
 * The pointers push/fetch/pull move: the workspace's (or the named targets'), plus with
 * --all-branches/--all-tags/--all-commits/--rev every pointer committed at those
 * revisions, read from Git objects (labelled `REV:path`) and de-duplicated by object.
 * Targets narrow the revisions' pointers too; a target that only exists at a revision
 * is fine.
 */
export async function pointersForTransfer(root: string, cwd: string, o: Scope & { targets?: string[]; glob?: boolean }): Promise<PointerSource[]> {
  const targets = o.glob ? await expandGlobs(root, cwd, o.targets ?? [], { tracked: true }) : (o.targets ?? []);
  if (!hasRevisionScope(o)) return findPointers(root, cwd, targets);
  const { pointers } = await pointersOfScope(root, { ...o, workspace: false });
  const out: PointerSource[] = [];
  if (targets.length === 0) out.push(...findPointers(root, cwd, []));
  else {
    for (const t of targets) {
      try {
        out.push(...findPointers(root, cwd, [t]));
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOTTRACKED' && !isErrno(err, 'ENOENT')) throw err;
      }
    }
  }
  const wanted = targets.map((t) => toRepoPath(root, path.resolve(cwd, t))).filter((p): p is string => p !== null);
  for (const p of pointers) {
    if (wanted.length === 0) {
      out.push(p);
      continue;
    }
    const file = p.pointerFile.slice(p.pointerFile.indexOf(':') + 1);
    const target = file.slice(0, -'.dvd'.length).replace(/[^/]*$/, p.pointer.path);
    if (wanted.some((w) => under(target, w) || under(w, target) || w === file)) out.push(p);
  }
  return out;
}
