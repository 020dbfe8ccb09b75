import { DvdError } from '../core/errors.js';
import { CatFileBatch, hasGitBinary } from './catFileBatch.js';
import { gitArgs, toHandle, type GitRepo } from './gitHandle.js';
import { isoGit } from './isoGit.js';
import { shallowCommits } from './shallowCommits.js';

export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

export interface CommitInfo {
  /** The commit's own oid (after peeling an annotated tag). */
  oid: string;
  tree: string;
  /** Empty for a commit at the boundary of a shallow clone, as git's own walks see it. */
  parents: string[];
  /** True when the commit has parents that this shallow clone does not have. */
  shallow: boolean;
  /** Committer time, seconds since the epoch. */
  time: number;
  /** The commit message (everything after the header). */
  message: string;
}

// The object reads that history-wide commands repeat thousands of times, behind one
// seam: through `git cat-file --batch` when a git binary exists (see catFileBatch.ts for
// the numbers), through isomorphic-git otherwise. Revisions, refs and files at a
// revision take the same pipe (or `git for-each-ref`) when git exists; the index,
// staging, hooks and config always use isomorphic-git (loaded lazily, see isoGit.ts).
const batches = new WeakMap<object, CatFileBatch>();

/** The cat-file pipe of this repository, or null without a git binary. */
export function batchFor(repo: GitRepo): CatFileBatch | null {
  if (!hasGitBinary()) return null;
  const h = toHandle(repo);
  let b = batches.get(h.cache);
  if (!b) {
    b = new CatFileBatch(h.gitdir);
    batches.set(h.cache, b);
  }
  return b;
}

function notFound(what: string, oid: string): DvdError {
  return new DvdError('ENOTFOUND', `git ${what} ${oid} not found`, { data: { oid } });
}

async function readPeeled(b: CatFileBatch, oid: string, want: string): Promise<{ oid: string; data: Buffer }> {
  let cur = oid;
  let o = await b.read(cur);
  // Annotated tags peel to what they point at, as isomorphic-git's readCommit does.
  while (o && o.type === 'tag' && want !== 'tag') {
    const m = /^object ([0-9a-f]{40})/m.exec(o.data.toString('latin1'));
    if (!m) break;
    cur = m[1];
    o = await b.read(cur);
  }
  if (!o) throw notFound(want, oid);
  if (o.type !== want) throw new DvdError('ENOTFOUND', `git object ${oid} is a ${o.type}, not a ${want}`, { data: { oid } });
  return { oid: cur, data: o.data };
}

async function readRaw(b: CatFileBatch, oid: string, want: string): Promise<Buffer> {
  return (await readPeeled(b, oid, want)).data;
}

export function parseTree(data: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(32, i);
    const nul = data.indexOf(0, sp);
    const mode = data.toString('latin1', i, sp).padStart(6, '0');
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 21);
    out.push({ mode, path: name, oid, type: mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob' });
    i = nul + 21;
  }
  return out;
}

export async function readTreeEntries(repo: GitRepo, oid: string): Promise<TreeEntry[]> {
  const b = batchFor(repo);
  if (b) return parseTree(await readRaw(b, oid, 'tree'));
  const git = await isoGit();
  const { tree } = await git.readTree({ ...gitArgs(repo), oid });
  return tree as TreeEntry[];
}

export async function readBlobBytes(repo: GitRepo, oid: string): Promise<Buffer> {
  const b = batchFor(repo);
  if (b) return readRaw(b, oid, 'blob');
  const git = await isoGit();
  return Buffer.from((await git.readBlob({ ...gitArgs(repo), oid })).blob);
}

/** Tree and parents of a commit (annotated tags peeled); ENOTFOUND when absent. */
export async function readCommitInfo(repo: GitRepo, oid: string): Promise<CommitInfo> {
  const info = await readCommitRaw(repo, oid);
  if (!shallowCommits(repo).has(info.oid)) return { ...info, shallow: false };
  return { ...info, parents: [], shallow: true };
}

async function readCommitRaw(repo: GitRepo, oid: string): Promise<Omit<CommitInfo, 'shallow'>> {
  const b = batchFor(repo);
  if (b) {
    const peeled = await readPeeled(b, oid, 'commit');
    const text = peeled.data.toString('utf8');
    const head = text.slice(0, text.indexOf('\n\n') === -1 ? text.length : text.indexOf('\n\n'));
    const tree = /^tree ([0-9a-f]{40})$/m.exec(head)![1];
    const parents = [...head.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]);
    const time = Number(/^committer .* (\d+) [+-]\d{4}$/m.exec(head)?.[1] ?? 0);
    const sep = text.indexOf('\n\n');
    return { oid: peeled.oid, tree, parents, time, message: sep === -1 ? '' : text.slice(sep + 2) };
  }
  const git = await isoGit();
  try {
    const r = await git.readCommit({ ...gitArgs(repo), oid });
    return { oid: r.oid, tree: r.commit.tree, parents: r.commit.parent, time: r.commit.committer.timestamp, message: r.commit.message };
  } catch (err) {
    const code = (err as { code?: string })?.code;
    if (code === 'NotFoundError' || code === 'ObjectTypeError') throw notFound('commit', oid);
    throw err;
  }
}
