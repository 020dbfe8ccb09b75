import path from 'node:path';
import picomatch from 'picomatch';
import { DvdError } from '../core/errors.js';
import { checkIgnore } from '../core/ignoreRules.js';
import { POINTER_EXT } from '../core/pointer.js';
import { toRepoPath } from '../core/relPath.js';
import { shellPath } from '../core/userPaths.js';
import { workspaceRefs } from './workspaceRefs.js';

/**
 * `--glob`: expand shell-style patterns (relative to cwd, quoted so the shell leaves them
 * alone) into paths relative to cwd, sorted. Workspace files and folders match (fast-glob);
 * with `tracked`, so do tracked targets that are not in the workspace now (deleted, not
 * pulled yet), matched by picomatch against each pointer's target and each cached output
 * dvd.lock records. Pointer files are left
 * out of the workspace hits: their targets stand for them. Without `tracked` (add), a
 * workspace hit a .dvdignore rule ignores is left out, as `git add` leaves out ignored
 * files a pathspec matches (check-ignore's rule: the path's folders count too). A pattern
 * that matches nothing is an error (ENOMATCH), as in a shell with failglob.
 */
export async function expandGlobs(root: string, cwd: string, patterns: string[], o: { tracked: boolean }): Promise<string[]> {
  // Bad pointers (and a bad dvd.lock) are reported by the command that reads the expanded
  // targets. Stage outputs recorded in dvd.lock are tracked targets too.
  const targets = o.tracked ? workspaceRefs(root, root, []).refs.map((p) => path.relative(cwd, path.join(root, p.target)).split(path.sep).join('/')) : [];
  // Loaded on first use: only `--glob` needs it, and the CLI bundle keeps it outside.
  const fg = (await import('fast-glob')).default;
  const out: string[] = [];
  for (const pattern of patterns) {
    const found = (await fg(pattern, { cwd, onlyFiles: false, dot: false, followSymbolicLinks: false, markDirectories: true })).filter((h) => !h.endsWith(POINTER_EXT));
    const kept = o.tracked ? found : found.filter((h) => !isIgnored(root, cwd, h));
    const hits = new Set(kept.map((h) => h.replace(/\/$/, '')));
    const isMatch = picomatch(pattern, { dot: false });
    for (const t of targets) if (isMatch(t)) hits.add(t);
    if (hits.size === 0) {
      throw new DvdError('ENOMATCH', `glob ${JSON.stringify(pattern)} matched ${found.length ? 'only paths .dvdignore ignores' : 'nothing'}`, {
        hint: found.length ? `see which rule with \`dvd check-ignore ${shellPath(found[0].replace(/\/$/, ''))}\`` : 'quote the pattern so the shell passes it to dvd as typed',
      });
    }
    out.push(...[...hits].sort());
  }
  return [...new Set(out)];
}

/** A fast-glob hit (cwd-relative, folders with a trailing '/') that a .dvdignore rule ignores. */
function isIgnored(root: string, cwd: string, hit: string): boolean {
  const rel = toRepoPath(root, path.resolve(cwd, hit));
  if (rel === null || rel === '') return false;
  const m = checkIgnore(root, rel, hit.endsWith('/'));
  return m !== null && !m.negative;
}
