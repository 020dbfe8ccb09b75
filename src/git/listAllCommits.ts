import type { GitRepo } from './gitHandle.js';
import { readCommitInfo } from './readGitObject.js';
import { listAllRefTips } from './listRefs.js';

/**
 * Every commit reachable from any ref or HEAD (like `git rev-list --all HEAD`), each
 * once. An iterative walk over parents: no recursion limit on long histories. In a
 * shallow clone the walk ends at the boundary, as git's does (see shallowCommits.ts).
 */
export async function listAllCommits(repo: GitRepo): Promise<string[]> {
  const seen = new Set<string>();
  const tips = new Set((await listAllRefTips(repo)).map((t) => t.oid));
  const stack = [...tips];
  while (stack.length) {
    const oid = stack.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    const { parents } = await readCommitInfo(repo, oid);
    for (const p of parents) if (!seen.has(p)) stack.push(p);
  }
  return [...seen];
}
