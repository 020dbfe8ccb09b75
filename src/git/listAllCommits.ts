import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';
import { toHandle, type GitRepo } from './gitHandle.js';
import { readCommitInfo } from './readGitObject.js';
import { listAllRefTips } from './listRefs.js';

/** Refs whose commits are the project's history: HEAD, branches, remote-tracking branches, tags. */
const HISTORY_REF = /^(HEAD$|refs\/(heads|remotes|tags)\/)/;

/**
 * Every commit reachable from any ref or HEAD (like `git rev-list --all HEAD`), each
 * once; with `historyOnly`, only from HEAD, branches, remote-tracking branches and tags
 * (history views: experiments under refs/exps, the stash and notes are not history,
 * while gc, push and fetch keep every ref so experiments keep their data). With the
 * git binary, `git rev-list` walks them: the walk below waits for each
 * commit before it can ask for its parent, ~0.2 ms a step through the cat-file pipe
 * (100 ms of `metrics show -A` over 500 commits). Without it, an iterative walk over
 * parents: no recursion limit on long histories. In a shallow clone both end at the
 * boundary, as git's own walks do (see shallowCommits.ts).
 */
export async function listAllCommits(repo: GitRepo, o: { historyOnly?: boolean } = {}): Promise<string[]> {
  const tips = new Set((await listAllRefTips(repo)).filter((t) => !o.historyOnly || HISTORY_REF.test(t.name)).map((t) => t.oid));
  if (hasGitBinary()) {
    if (tips.size === 0) return [];
    // --date-order: newest first, and never a parent before its children (commits made in
    // the same second would otherwise come in the order git met them).
    const r = spawnSync('git', ['--git-dir', toHandle(repo).gitdir, 'rev-list', '--date-order', '--stdin'], { input: [...tips].join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new DvdError('EGIT', `git rev-list failed: ${r.stderr.trim()}`);
    return r.stdout.split('\n').filter(Boolean);
  }
  const seen = new Set<string>();
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
