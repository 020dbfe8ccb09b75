import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { DVD_DIR, repoAt, requireRepoRoot, type Repo } from '../core/repo.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { worktreeOf } from '../git/worktrees.js';

// What every api operation receives besides its own options: where it runs, how to
// report warnings and progress. The api never prints; the CLI supplies these sinks.
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
}

export interface Progress {
  /** Called with running totals; `total*` may be undefined while unknown. */
  update(done: { items: number; bytes: number; totalItems?: number; totalBytes?: number }): void;
  finish(): void;
}

export interface ApiContext {
  cwd: string;
  log: Logger;
  /** Make a progress sink for a long step (label like "adding"). */
  progress(label: string): Progress;
}

export const silentContext = (cwd: string): ApiContext => ({
  cwd,
  log: { warn() {}, info() {} },
  progress: () => ({ update() {}, finish() {} }),
});

export interface OpenRepo {
  repo: Repo;
  config: FlatConfig;
}

/**
 * Where the dvd repository at `root` keeps what all work trees of its Git repository
 * share: the cache, tmp/, the lock and config.local. Normally `<root>/.dvd`. In a linked
 * worktree (`git worktree add`) it is the main work tree's `.dvd` (at the same place
 * inside it), so every worktree uses the cache that is already filled, as git-lfs keeps
 * its objects in Git's common dir; when the repository is bare, or its main work tree
 * has no `.dvd` there, it is `<git common dir>/dvd`.
 */
export function dvdShareOf(root: string): string {
  const own = path.join(root, DVD_DIR);
  const gitRoot = findGitRoot(root);
  if (!gitRoot) return own;
  let wt: ReturnType<typeof worktreeOf>;
  try {
    wt = worktreeOf(gitRoot);
  } catch (err) {
    // A `.git` file dvd cannot follow: Git commands will say so; the data is local.
    if (err instanceof DvdError && err.code === 'ENOTGIT') return own;
    throw err;
  }
  if (!wt.linked) return own;
  if (wt.mainRoot) {
    const main = path.join(wt.mainRoot, path.relative(gitRoot, root), DVD_DIR);
    if (fs.statSync(main, { throwIfNoEntry: false })?.isDirectory()) return main;
  }
  return path.join(wt.commonDir, 'dvd');
}

/** Find the dvd repository around ctx.cwd and load its merged config. */
export function openRepo(ctx: ApiContext): OpenRepo {
  const root = requireRepoRoot(ctx.cwd);
  const share = dvdShareOf(root);
  const config = loadConfig(root, share);
  return { repo: repoAt(root, config.get('cache.dir'), share), config };
}
