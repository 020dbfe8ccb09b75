import type { GitRepo } from './gitHandle.js';
import { readCommitInfo } from './readGitObject.js';
import { listAllRefTips } from './listRefs.js';

/**
 * Every commit reachable from any ref or HEAD (like `git rev-list --all HEAD`), each
 * once. An iterative walk over parents: no recursion limit on long histories.
 */
export async function listAllCommits(repo: GitRepo): Promise<string[]> {
  const seen = new Set<string>();
  const tips = new Set((await listAllRefTips(repo)).map((t) => t.oid));
  const stack = [...tips];
  while (stack.length) {
    const oid = stack.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    let parents: string[];
    try {
      ({ parents } = await readCommitInfo(repo, oid));
    } catch (err) {
      // A shallow clone lacks the parents of its oldest commits; history ends there.
      if ((err as { code?: string })?.code === 'ENOTFOUND' && !tips.has(oid)) continue;
      throw err;
    }
    for (const p of parents) if (!seen.has(p)) stack.push(p);
  }
  return [...seen];
}
