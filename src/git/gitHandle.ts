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
    h = { fs, dir: key, gitdir: gitDirOf(key), cache: {} };
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
    h = { fs, gitdir: path.resolve(gitdir), cache: {} };
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
