import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { commonDirOf, gitDirOf } from './gitHandle.js';

// Linked worktrees (`git worktree add`): each has its own work tree, HEAD and index in
// `<common dir>/worktrees/<name>/`, and shares objects, refs, config and hooks with the
// main repository (gitrepository-layout(5)). Read from Git's files directly: a few small
// reads, no git process.

export interface WorktreeOf {
  /** This work tree's own git dir (`.git`, or `.git/worktrees/<name>` for a linked one). */
  gitDir: string;
  commonDir: string;
  /** True for a linked worktree. */
  linked: boolean;
  /** The main work tree, or null when the repository is bare. */
  mainRoot: string | null;
}

function isBare(commonDir: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(path.join(commonDir, 'config'), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  return /^\s*bare\s*=\s*true\s*$/im.test(text);
}

/** Where the work tree rooted at `gitRoot` keeps its Git data, and its main work tree. */
export function worktreeOf(gitRoot: string): WorktreeOf {
  const gitDir = gitDirOf(gitRoot);
  const commonDir = commonDirOf(gitDir);
  const linked = path.resolve(gitDir) !== path.resolve(commonDir);
  const mainRoot = !linked ? path.resolve(gitRoot) : isBare(commonDir) ? null : path.dirname(commonDir);
  return { gitDir, commonDir, linked, mainRoot };
}

export interface Worktree {
  root: string;
  gitDir: string;
  /** What HEAD names: `refs/heads/x` or a commit oid; null when unreadable. */
  head: string | null;
  /** False for a worktree whose folder is gone (prunable, or on unmounted media). */
  present: boolean;
}

function readHead(gitDir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  const m = /^ref: (\S+)$/.exec(text);
  return m ? m[1] : /^[0-9a-f]{40,64}$/.test(text) ? text : null;
}

/** Every work tree of the repository: the main one (unless bare), then the linked ones. */
export function listWorktrees(commonDir: string): Worktree[] {
  const out: Worktree[] = [];
  if (!isBare(commonDir)) out.push({ root: path.dirname(commonDir), gitDir: commonDir, head: readHead(commonDir), present: true });
  let names: string[];
  try {
    names = fs.readdirSync(path.join(commonDir, 'worktrees'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return out;
    throw err;
  }
  for (const name of names.sort()) {
    const gitDir = path.join(commonDir, 'worktrees', name);
    let dotGit: string;
    try {
      dotGit = fs.readFileSync(path.join(gitDir, 'gitdir'), 'utf8').trim();
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
      throw err;
    }
    const root = path.dirname(path.resolve(gitDir, dotGit));
    out.push({ root, gitDir, head: readHead(gitDir), present: fs.existsSync(path.join(root, '.git')) });
  }
  return out;
}
