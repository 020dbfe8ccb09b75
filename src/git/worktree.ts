import fs from 'node:fs';
import { runGit } from './runGit.js';

/**
 * A linked work tree of the repository at `root` in `dir` (which must not exist), with
 * `commit` checked out on a detached HEAD: no branch is created or moved. Needs git.
 */
export function addWorktree(root: string, dir: string, commit: string): void {
  runGit(root, ['worktree', 'add', '--quiet', '--detach', dir, commit]);
}

/**
 * Remove a work tree made by addWorktree, files and Git's record of it. A folder that
 * `git worktree remove` will not take (already half gone) is deleted and pruned.
 */
export function removeWorktree(root: string, dir: string): void {
  if (runGit(root, ['worktree', 'remove', '--force', '--force', dir], { allowFail: true }).status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    runGit(root, ['worktree', 'prune'], { allowFail: true });
  }
}
