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
 * Tracked paths where the work tree at `dir` differs from its HEAD commit: changed or
 * deleted files, by content (`git diff --name-only HEAD`; files only in the index
 * count). Repo-relative, POSIX.
 */
export function trackedChanges(dir: string): string[] {
  return split(runGit(dir, ['diff', '--name-only', '-z', '--no-renames', 'HEAD', '--', ':/']).stdout);
}

/** Every file Git tracks in the work tree at `dir` (`git ls-files`), repo-relative, POSIX. */
export function trackedFiles(dir: string): string[] {
  return split(runGit(dir, ['ls-files', '-z', '--', ':/']).stdout);
}
