import git from 'isomorphic-git';
import { gitArgs, type GitRepo } from './gitHandle.js';

export interface NamedCommit {
  name: string;
  /** Commit oid (annotated tags peeled). */
  oid: string;
}

/** Peel a ref's target to a commit; null for tags of trees or blobs. */
async function peelToCommit(repo: GitRepo, oid: string): Promise<string | null> {
  try {
    return (await git.readCommit({ ...gitArgs(repo), oid })).oid;
  } catch (err) {
    if ((err as { code?: string })?.code === 'ObjectTypeError') return null;
    throw err;
  }
}

async function resolveAll(repo: GitRepo, prefix: string, names: string[]): Promise<NamedCommit[]> {
  const out: NamedCommit[] = [];
  for (const name of names.sort()) {
    const oid = await peelToCommit(repo, await git.resolveRef({ ...gitArgs(repo), ref: `${prefix}${name}` }));
    if (oid) out.push({ name, oid });
  }
  return out;
}

/** Local branches with their commits. */
export async function listBranches(repo: GitRepo): Promise<NamedCommit[]> {
  return resolveAll(repo, 'refs/heads/', await git.listBranches(gitArgs(repo)));
}

/** Tags with the commits they name (tags of non-commits are skipped). */
export async function listTags(repo: GitRepo): Promise<NamedCommit[]> {
  return resolveAll(repo, 'refs/tags/', await git.listTags(gitArgs(repo)));
}

/** Every ref under refs/ (branches, tags, remote-tracking branches, stash...) plus HEAD. */
export async function listAllRefTips(repo: GitRepo): Promise<NamedCommit[]> {
  const args = gitArgs(repo);
  const names = (await git.listRefs({ ...args, filepath: 'refs' })).map((n) => `refs/${n}`);
  const out: NamedCommit[] = [];
  for (const name of ['HEAD', ...names]) {
    let oid: string;
    try {
      oid = await git.resolveRef({ ...args, ref: name });
    } catch (err) {
      // An unborn HEAD or a dangling symbolic ref has no commit to contribute.
      if ((err as { code?: string })?.code === 'NotFoundError') continue;
      throw err;
    }
    const commit = await peelToCommit(repo, oid);
    if (commit) out.push({ name, oid: commit });
  }
  return out;
}
