import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from '../core/errors.js';

// Everything isomorphic-git needs to talk to one repository. One handle per git dir per
// process: `cache` keeps parsed packfile indexes between calls, which turns reading the
// trees of 1,000 commits from a packed repo from re-parsing the .idx per object into one
// parse per pack.
export interface GitHandle {
  fs: typeof fs;
  /** Work tree root; undefined for a bare repository. */
  dir?: string;
  gitdir: string;
  /**
   * Where objects, refs, config, hooks and `shallow` live: the git dir itself, or for a
   * linked worktree (`git worktree add`) the main repository's (its `commondir` file).
   */
  commonDir: string;
  cache: object;
}

const handles = new Map<string, GitHandle>();

/** The git dir of a work tree: `.git/`, or where a `.git` file (`gitdir: ...`) points. */
export function gitDirOf(root: string): string {
  const dotGit = path.join(root, '.git');
  let st: fs.Stats;
  try {
    st = fs.statSync(dotGit);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new DvdError('ENOTGIT', `not a Git repository: ${root}`, { hint: 'run `git init` first' });
    throw err;
  }
  if (st.isDirectory()) return dotGit;
  const m = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
  if (!m) throw new DvdError('ENOTGIT', `${dotGit}: not a gitdir link`);
  return path.resolve(root, m[1].trim());
}

/** The common dir of a git dir: itself, or where its `commondir` file points (linked worktrees). */
export function commonDirOf(gitdir: string): string {
  try {
    return path.resolve(gitdir, fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8').trim());
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return gitdir;
    throw err;
  }
}

// What a linked worktree shares with the main repository (git's path.c `common_list`):
// these live in the common dir, everything else (HEAD, index, logs/HEAD, refs/bisect,
// refs/worktree, refs/rewritten, ...) in the worktree's own git dir.
const SHARED = ['objects', 'refs', 'packed-refs', 'config', 'hooks', 'info', 'logs', 'shallow', 'remotes', 'branches', 'worktrees', 'rr-cache', 'lost-found', 'common'];
const PER_WORKTREE = ['refs/bisect', 'refs/worktree', 'refs/rewritten', 'logs/HEAD', 'info/sparse-checkout'];
const under = (rel: string, p: string) => rel === p || rel.startsWith(`${p}/`);

/**
 * isomorphic-git knows no linked worktrees: it looks for objects, refs and config in the
 * git dir it is given. This fs sends those paths to the common dir and leaves HEAD and
 * the index in the worktree's own, as git does.
 */
function worktreeFs(gitdir: string, commonDir: string): typeof fs {
  const map = (p: unknown) => {
    if (typeof p !== 'string') return p;
    const rel = path.relative(gitdir, p).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel) || PER_WORKTREE.some((x) => under(rel, x)) || !SHARED.some((x) => under(rel, x))) return p;
    return path.join(commonDir, rel);
  };
  const promises = new Proxy(fs.promises, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (p: unknown, ...rest: unknown[]) => (v as (...a: unknown[]) => unknown).call(target, map(p), ...rest) : v;
    },
  });
  return { promises } as unknown as typeof fs;
}

/** Handle for a work tree rooted at `root`. */
export function gitHandle(root: string): GitHandle {
  // An absolute path is looked up as given first: history views ask thousands of times
  // with the same string, and path.resolve on each call was ~10 ms of a 300 ms
  // `metrics show -A`. (A relative one could name another folder after a chdir.)
  let h = handles.get(root);
  if (h) return h;
  const key = path.resolve(root);
  h = handles.get(key);
  if (!h) {
    const gitdir = gitDirOf(key);
    const commonDir = commonDirOf(gitdir);
    h = { fs: commonDir === gitdir ? fs : worktreeFs(gitdir, commonDir), dir: key, gitdir, commonDir, cache: {} };
    handles.set(key, h);
  }
  if (path.isAbsolute(root)) handles.set(root, h);
  return h;
}

/** Handle for a bare repository (a git dir without a work tree), e.g. for `dvd get`. */
export function bareGitHandle(gitdir: string): GitHandle {
  const key = `bare:${path.resolve(gitdir)}`;
  let h = handles.get(key);
  if (!h) {
    h = { fs, gitdir: path.resolve(gitdir), commonDir: commonDirOf(path.resolve(gitdir)), cache: {} };
    handles.set(key, h);
  }
  return h;
}

/** A work tree root, or a handle (bare repositories, `dvd get`). */
export type GitRepo = string | GitHandle;

export function toHandle(repo: GitRepo): GitHandle {
  return typeof repo === 'string' ? gitHandle(repo) : repo;
}

/** The options object isomorphic-git functions take, for this repository. */
export function gitArgs(repo: GitRepo): { fs: typeof fs; dir?: string; gitdir: string; cache: object } {
  const h = toHandle(repo);
  return { fs: h.fs, dir: h.dir, gitdir: h.gitdir, cache: h.cache };
}
