import { commitsBetween } from '../git/commitsBetween.js';
import { listAllRefTips } from '../git/listRefs.js';
import { openRepo, type ApiContext } from './context.js';
import { gitRootOf } from './pointersAtRev.js';
import { push, type PushResult } from './push.js';

/** One line Git gives the pre-push hook on stdin. */
export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export interface PrePushOptions {
  /** The hook's first argument: the Git remote's name (or its URL when pushing to one). */
  gitRemote: string;
  refs: PushedRef[];
}

export interface PrePushResult extends PushResult {
  /** Commits whose data was pushed (besides the workspace's). */
  commits: number;
}

const isZero = (sha: string) => /^0+$/.test(sha);

/**
 * Parse the hook's stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line
 * (githooks(5)); blank lines are skipped. Throws nothing: a line of another shape is
 * ignored, as Git never sends one.
 */
export function parsePrePushInput(text: string): PushedRef[] {
  const out: PushedRef[] = [];
  for (const line of text.split('\n')) {
    const [localRef, localSha, remoteRef, remoteSha] = line.trim().split(' ');
    if (!/^[0-9a-f]{40,64}$/.test(localSha ?? '') || !/^[0-9a-f]{40,64}$/.test(remoteSha ?? '')) continue;
    out.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return out;
}

/**
 * What the pre-push hook runs: push the data of every commit this Git push sends (and of
 * the workspace) to the dvd remote, before Git sends the pointers. The commits sent are
 * those reachable from a pushed sha and from neither the remote's old sha nor any of the
 * remote's tracking refs (a new branch sends what no branch of that remote has), as
 * git-lfs's pre-push computes it. A deleted ref (all-zero local sha) sends nothing.
 */
export async function prePush(ctx: ApiContext, o: PrePushOptions): Promise<PrePushResult> {
  const { repo } = openRepo(ctx);
  const { gitRoot } = gitRootOf(repo.root);
  const include = o.refs.map((r) => r.localSha).filter((s) => !isZero(s));
  const tracking = `refs/remotes/${o.gitRemote}/`;
  const exclude = [...o.refs.map((r) => r.remoteSha).filter((s) => !isZero(s)), ...(await listAllRefTips(gitRoot)).filter((t) => t.name.startsWith(tracking)).map((t) => t.oid)];
  const commits = await commitsBetween(gitRoot, include, exclude);
  const r = await push(ctx, { rev: commits });
  return { ...r, commits: commits.length };
}
