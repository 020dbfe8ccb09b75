import path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import { DvdError } from '../core/errors.js';
import { findPointers } from '../core/findPointers.js';
import { POINTER_EXT } from '../core/pointer.js';

/**
 * `--glob`: expand shell-style patterns (relative to cwd, quoted so the shell leaves them
 * alone) into paths relative to cwd, sorted. Workspace files and folders match (fast-glob);
 * with `tracked`, so do tracked targets that are not in the workspace now (deleted, not
 * pulled yet), matched by picomatch against each pointer's target. Pointer files are left
 * out of the workspace hits: their targets stand for them. A pattern that matches nothing
 * is an error (ENOMATCH), as in a shell with failglob.
 */
export async function expandGlobs(root: string, cwd: string, patterns: string[], o: { tracked: boolean }): Promise<string[]> {
  const targets = o.tracked ? findPointers(root, root, []).map((p) => path.relative(cwd, path.join(root, p.target)).split(path.sep).join('/')) : [];
  const out: string[] = [];
  for (const pattern of patterns) {
    const hits = new Set((await fg(pattern, { cwd, onlyFiles: false, dot: false, followSymbolicLinks: false })).filter((h) => !h.endsWith(POINTER_EXT)));
    const isMatch = picomatch(pattern, { dot: false });
    for (const t of targets) if (isMatch(t)) hits.add(t);
    if (hits.size === 0) throw new DvdError('ENOMATCH', `glob ${JSON.stringify(pattern)} matched nothing`, { hint: 'quote the pattern so the shell passes it to dvd as typed' });
    out.push(...[...hits].sort());
  }
  return [...new Set(out)];
}
