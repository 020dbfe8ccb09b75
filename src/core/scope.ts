import { DvdError } from './errors.js';
import type { UserPaths } from './userPaths.js';

// A path inside a tracked folder names part of it: checkout, pull, fetch and status
// then work on that part only (README: checkout scope). A scope is a list of
// target-relative paths, each a file or a folder of the target.

/** True when target-relative `p` is one of `scope`'s paths or lies under one. */
export function inScope(p: string, scope: readonly string[]): boolean {
  for (const s of scope) if (p === s || (p.length > s.length && p.charCodeAt(s.length) === 47 /* / */ && p.startsWith(s))) return true;
  return false;
}

/** The scope without paths that lie under another of its paths, sorted. */
export function normalizeScope(scope: readonly string[]): string[] {
  const sorted = [...new Set(scope)].sort();
  return sorted.filter((s) => !inScope(s, sorted.filter((o) => o !== s)));
}

/**
 * The entries of a target's version inside `scope` (all of them without one). A scope
 * path that names nothing in the version is an error, as `git checkout PATH` refuses a
 * path Git does not know: checkout would otherwise delete an untracked file with -f.
 * `paths` shows the paths of that error as the user should see them.
 */
export function entriesInScope<T extends { path: string }>(entries: T[], ref: { scope?: string[]; target: string; pointerFile: string }, paths: UserPaths): T[] {
  const scope = ref.scope;
  if (!scope) return entries;
  const out = entries.filter((e) => inScope(e.path, scope));
  for (const s of scope) {
    if (!out.some((e) => inScope(e.path, [s]))) {
      throw new DvdError('ENOTTRACKED', `${paths.show(`${ref.target}/${s}`)}: not in ${paths.show(ref.target)} at this version (${paths.show(ref.pointerFile)})`, {
        hint: `see what it holds with \`${paths.command('dvd ls', [ref.target])} -R\``,
      });
    }
  }
  return out;
}
