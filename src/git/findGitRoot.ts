import fs from 'node:fs';
import path from 'node:path';

/**
 * The work tree root of the Git repository around `dir` (the nearest folder at or above
 * it holding `.git`, a folder or a `gitdir:` file), or null outside any Git repository.
 * Synchronous and without isomorphic-git: it is a few stat calls and every command that
 * opens a repo pays for it.
 */
export function findGitRoot(dir: string): string | null {
  let cur = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(cur, '.git'))) return cur;
    const up = path.dirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}
