import type { Command } from 'commander';
import type { UserPaths } from '../core/userPaths.js';
import { printResult } from './context.js';

/**
 * After a command changed pointers and .gitignore files: the files it staged
 * (core.autostage), or the `git add` line to run. Nothing when there is nothing for Git
 * (a --no-scm repository; api/gitFiles.ts leaves out what `git add` would refuse).
 */
export function gitAdvice(cmd: Command, paths: UserPaths, r: { gitFiles: string[]; staged: boolean }, what = 'track the changes'): void {
  if (r.gitFiles.length === 0) return;
  if (r.staged) printResult(cmd, `staged ${r.gitFiles.map((f) => paths.show(f)).join(' ')}`);
  else printResult(cmd, `\nTo ${what} with git, run:\n\n\t${paths.command('git add', r.gitFiles)}`);
}
