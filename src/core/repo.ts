import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from './errors.js';

// Where a dvd repository keeps its things. Built once per command; every other module
// takes a Repo instead of recomputing paths.
export interface Repo {
  /** Workspace root: the folder that holds `.dvd/`. */
  root: string;
  dvdDir: string;
  /**
   * Where the cache, tmp/, the lock and config.local live: `dvdDir`, except in a linked
   * Git worktree, whose worktrees all share one (see api/context.ts dvdShareOf).
   */
  shareDir: string;
  cacheDir: string;
  /** Temp files for objects; on the cache's file system so rename() is atomic. */
  tmpDir: string;
  stateDir: string;
  lockFile: string;
}

export const DVD_DIR = '.dvd';

/**
 * The paths of the dvd repository at `root`. `shareDir` (default `<root>/.dvd`) holds
 * what several work trees of one Git repository share; the stat cache (`state/`) stays
 * per work tree, since it records this tree's inodes. A relative `cacheDirOverride`
 * (cache.dir) is taken from `shareDir`, not from this tree's `.dvd`: every work tree then
 * names the one cache they share, also a linked worktree at another depth (dvd exp
 * run --run-all's, under `.git/dvd-exp/<name>`, would otherwise fill a second cache).
 */
export function repoAt(root: string, cacheDirOverride?: string, shareDir = path.join(root, DVD_DIR)): Repo {
  const dvdDir = path.join(root, DVD_DIR);
  const cacheDir = cacheDirOverride ? path.resolve(shareDir, cacheDirOverride) : path.join(shareDir, 'cache');
  return {
    root,
    dvdDir,
    shareDir,
    cacheDir,
    tmpDir: cacheDirOverride ? path.join(cacheDir, 'tmp') : path.join(shareDir, 'tmp'),
    stateDir: path.join(dvdDir, 'state'),
    lockFile: path.join(shareDir, 'state.lock'),
  };
}

/** The nearest folder at or above `start` that holds `.dvd/`, or null. */
export function findRepoRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, DVD_DIR, 'config'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function requireRepoRoot(start: string): string {
  const root = findRepoRoot(start);
  if (!root) {
    throw new DvdError('ENOTREPO', `not a dvd repository (or any parent up to /): ${path.resolve(start)}`, {
      hint: 'run `dvd init` at the root of your Git repository',
    });
  }
  return root;
}
