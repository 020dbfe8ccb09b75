import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';
import { gitArgs, toHandle, type GitRepo } from './gitHandle.js';
import { isoGit } from './isoGit.js';
import { batchFor } from './readGitObject.js';

export interface NamedCommit {
  name: string;
  /** Commit oid (annotated tags peeled). */
  oid: string;
}

/**
 * Refs under `pattern` with the commits they name, from one `git for-each-ref` (null
 * without a git binary). Tags are peeled by git (`*objectname`); refs to trees or blobs
 * are skipped.
 */
function forEachRef(repo: GitRepo, pattern: string | null): { ref: string; oid: string }[] | null {
  if (!hasGitBinary()) return null;
  const args = ['--git-dir', toHandle(repo).gitdir, 'for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)'];
  if (pattern) args.push(pattern);
  const r = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new DvdError('EGIT', `git for-each-ref failed: ${r.stderr.trim()}`);
  const out: { ref: string; oid: string }[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const [oid, type, peeled, peeledType, ...rest] = line.split(' ');
    const ref = rest.join(' ');
    if (type === 'commit') out.push({ ref, oid });
    else if (peeledType === 'commit') out.push({ ref, oid: peeled });
  }
  return out;
}

/** Peel a ref's target to a commit; null for tags of trees or blobs. */
async function peelToCommit(repo: GitRepo, oid: string): Promise<string | null> {
  const git = await isoGit();
  try {
    return (await git.readCommit({ ...gitArgs(repo), oid })).oid;
  } catch (err) {
    if ((err as { code?: string })?.code === 'ObjectTypeError') return null;
    throw err;
  }
}

async function resolveAll(repo: GitRepo, prefix: string, names: string[]): Promise<NamedCommit[]> {
  const git = await isoGit();
  const out: NamedCommit[] = [];
  for (const name of names.sort()) {
    const oid = await peelToCommit(repo, await git.resolveRef({ ...gitArgs(repo), ref: `${prefix}${name}` }));
    if (oid) out.push({ name, oid });
  }
  return out;
}

/** Local branches with their commits. */
export async function listBranches(repo: GitRepo): Promise<NamedCommit[]> {
  const viaGit = forEachRef(repo, 'refs/heads');
  if (viaGit) return viaGit.map((r) => ({ name: r.ref.slice('refs/heads/'.length), oid: r.oid }));
  const git = await isoGit();
  return resolveAll(repo, 'refs/heads/', await git.listBranches(gitArgs(repo)));
}

/** Tags with the commits they name (tags of non-commits are skipped). */
export async function listTags(repo: GitRepo): Promise<NamedCommit[]> {
  const viaGit = forEachRef(repo, 'refs/tags');
  if (viaGit) return viaGit.map((r) => ({ name: r.ref.slice('refs/tags/'.length), oid: r.oid }));
  const git = await isoGit();
  return resolveAll(repo, 'refs/tags/', await git.listTags(gitArgs(repo)));
}

/** Every ref under refs/ (branches, tags, remote-tracking branches, stash...) plus HEAD. */
export async function listAllRefTips(repo: GitRepo): Promise<NamedCommit[]> {
  const viaGit = forEachRef(repo, null);
  if (viaGit) {
    const head = await batchFor(repo)!.read('HEAD^{commit}');
    return [...(head ? [{ name: 'HEAD', oid: head.oid }] : []), ...viaGit.map((r) => ({ name: r.ref, oid: r.oid }))];
  }
  const git = await isoGit();
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

/**
 * Refs under `prefix` (e.g. `refs/exps/`) with full names and the commits they name,
 * sorted by name. Without a git binary, isomorphic-git lists and resolves them.
 */
export async function listRefsUnder(repo: GitRepo, prefix: string): Promise<NamedCommit[]> {
  const viaGit = forEachRef(repo, prefix.replace(/\/$/, ''));
  if (viaGit) return viaGit.map((r) => ({ name: r.ref, oid: r.oid })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const git = await isoGit();
  const dir = prefix.replace(/\/?$/, '/');
  const names = await git.listRefs({ ...gitArgs(repo), filepath: dir.slice(0, -1) });
  return (await resolveAll(repo, dir, names)).map((r) => ({ name: `${dir}${r.name}`, oid: r.oid }));
}
