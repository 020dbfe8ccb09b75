import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from './errors.js';

// Where a dvd repository keeps its things. Built once per command; every other module
// takes a Repo instead of recomputing paths.
export interface Repo {
  /** Workspace root: the folder that holds `.dvd/`. */
  root: string;
  dvdDir: string;
  cacheDir: string;
  /** Temp files for objects; on the cache's file system so rename() is atomic. */
  tmpDir: string;
  stateDir: string;
  lockFile: string;
}

export const DVD_DIR = '.dvd';

export function repoAt(root: string, cacheDirOverride?: string): Repo {
  const dvdDir = path.join(root, DVD_DIR);
  const cacheDir = cacheDirOverride ? path.resolve(dvdDir, cacheDirOverride) : path.join(dvdDir, 'cache');
  return {
    root,
    dvdDir,
    cacheDir,
    tmpDir: cacheDirOverride ? path.join(cacheDir, 'tmp') : path.join(dvdDir, 'tmp'),
    stateDir: path.join(dvdDir, 'state'),
    lockFile: path.join(dvdDir, 'state.lock'),
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
