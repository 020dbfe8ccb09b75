import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { DVD_DIR } from '../core/repo.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { bareGitHandle } from '../git/gitHandle.js';
import { resolveRev } from '../git/resolveRev.js';
import { listWorktrees, worktreeOf } from '../git/worktrees.js';
import type { PointerSource } from './objectsOfPointers.js';
import { lockOutputsAtRevisions } from './lockOutputsAtRevisions.js';
import { pointersAtRevisions } from './pointersAtRev.js';
import { workspaceRefs } from './workspaceRefs.js';

/**
 * The pointers the other work trees of this Git repository use (`git worktree add`):
 * each one's workspace (when its folder is there) and its HEAD commit, with the cached
 * outputs their dvd.lock files record. They share this cache, so gc must keep what they
 * use, as `git gc` keeps every worktree's HEAD. Labels are `worktree <path>: <pointer>`
 * and `worktree <path> HEAD:<pointer>`. Empty outside Git or without linked worktrees. `problems`: their pointers (or dvd.lock files) that
 * cannot be read (gc must then delete nothing, as for this worktree's).
 */
export async function otherWorktreePointers(root: string): Promise<{ pointers: PointerSource[]; problems: PointerProblem[] }> {
  const out: PointerSource[] = [];
  const problems: PointerProblem[] = [];
  const gitRoot = findGitRoot(root);
  if (!gitRoot) return { pointers: out, problems };
  const { commonDir } = worktreeOf(gitRoot);
  const prefix = path.relative(gitRoot, root);
  const others = listWorktrees(commonDir).filter((w) => path.resolve(w.root) !== path.resolve(gitRoot));
  const common = bareGitHandle(commonDir);
  for (const w of others) {
    const dvdRoot = path.join(w.root, prefix);
    if (w.present && fs.existsSync(path.join(dvdRoot, DVD_DIR, 'config'))) {
      const label = `worktree ${dvdRoot}: `;
      const scan = workspaceRefs(dvdRoot, dvdRoot, []);
      for (const p of scan.refs) out.push({ pointerFile: label + p.pointerFile, pointer: p.pointer, target: p.target });
      for (const p of scan.problems) problems.push({ ...p, pointerFile: label + p.pointerFile, message: label + p.message });
    }
    if (w.head === null) continue;
    let oid: string;
    try {
      oid = await resolveRev(common, w.head);
    } catch (err) {
      // A branch without commits yet: its HEAD uses nothing.
      if (err instanceof DvdError && err.code === 'EBADREV') continue;
      throw err;
    }
    const label = `worktree ${w.root} HEAD`;
    const revs = [{ label, oid }];
    const [pointers, outputs] = await Promise.all([pointersAtRevisions(root, revs), lockOutputsAtRevisions(root, revs)]);
    for (const scan of [pointers.get(oid)!, outputs.get(oid)!]) {
      for (const p of scan.refs) out.push({ pointerFile: `${label}:${p.pointerFile}`, pointer: p.pointer, target: p.target });
      for (const p of scan.problems) problems.push({ ...p, pointerFile: `${label}:${p.pointerFile}` });
    }
  }
  return { pointers: out, problems };
}
