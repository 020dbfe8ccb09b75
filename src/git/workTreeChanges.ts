import { runGit } from './runGit.js';

const split = (s: string) => s.split('\0').filter(Boolean);

/**
 * Files Git does not track and does not ignore in the work tree at `dir` (repo-relative,
 * POSIX), from `git ls-files --others --exclude-standard`. With `directory`, a folder
 * holding only such files is named once, as `raw/` (what `git status` shows).
 */
export function untrackedFiles(dir: string, o: { directory?: boolean } = {}): string[] {
  return split(runGit(dir, ['ls-files', '-z', '--others', '--exclude-standard', ...(o.directory ? ['--directory'] : []), '--', ':/']).stdout);
}

/**
 * Paths where the work tree at `dir` differs from its HEAD commit: tracked files changed
 * or deleted (`git diff --name-only HEAD`, by content) and untracked files that are not
 * ignored. Repo-relative, POSIX, sorted.
 */
export function changedSinceHead(dir: string): string[] {
  const tracked = split(runGit(dir, ['diff', '--name-only', '-z', '--no-renames', 'HEAD', '--', ':/']).stdout);
  return [...new Set([...tracked, ...untrackedFiles(dir)])].sort();
}
