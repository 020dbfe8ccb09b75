import fs from 'node:fs';
import path from 'node:path';
import { checkIgnore as matchIgnore, type IgnoreMatch } from '../core/ignoreRules.js';
import { typedRepoPath } from '../core/relPath.js';
import { requireRepoRoot } from '../core/repo.js';
import type { ApiContext } from './context.js';

export interface CheckIgnoreResult {
  /** One per path, in the order given: the path as typed and the rule that ignores it (null: none). */
  paths: { path: string; match: IgnoreMatch | null }[];
}

/**
 * Which .dvdignore rule ignores each path (typed relative to ctx.cwd), as `git
 * check-ignore -v` answers for .gitignore. A path that exists is a folder or a file as
 * on disk; one that does not is a folder when typed with a trailing slash. Rules are
 * reported whether or not a manifest records the path (Git's `--no-index`); for a
 * recorded file they do not apply (README: .dvdignore). Throws EOUTSIDE for a path
 * outside the repository.
 */
export function checkIgnore(ctx: ApiContext, opts: { paths: string[] }): CheckIgnoreResult {
  const root = requireRepoRoot(ctx.cwd);
  return {
    paths: opts.paths.map((p) => {
      const abs = path.resolve(ctx.cwd, p);
      const rel = typedRepoPath(root, ctx.cwd, p);
      if (rel === '') return { path: p, match: null };
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      const isDir = st ? st.isDirectory() : p.endsWith('/');
      return { path: p, match: matchIgnore(root, rel, isDir) };
    }),
  };
}
