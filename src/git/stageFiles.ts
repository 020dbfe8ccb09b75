import fs from 'node:fs';
import path from 'node:path';
import { gitHandle } from './gitHandle.js';
import { isoGit } from './isoGit.js';

/**
 * `git add` for repo-relative paths (for `[core] autostage = true`): files that exist are
 * added, paths that no longer exist are removed from the index (a `dvd untrack`ed
 * pointer). Sequential on purpose: each isomorphic-git add rewrites the index.
 */
export async function stageFiles(root: string, paths: string[]): Promise<void> {
  const git = await isoGit();
  const h = gitHandle(root);
  const args = { fs: h.fs, dir: h.dir!, gitdir: h.gitdir, cache: h.cache };
  const present: string[] = [];
  for (const p of paths) {
    if (fs.existsSync(path.join(root, ...p.split('/')))) present.push(p);
    else await git.remove({ ...args, filepath: p });
  }
  // force: dvd only stages files it wrote (pointers, .gitignore); a user's ignore rule
  // matching `*.dvd` must not silently leave a pointer unstaged.
  if (present.length) await git.add({ ...args, filepath: present, force: true });
}
