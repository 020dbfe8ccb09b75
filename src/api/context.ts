import { loadConfig, type FlatConfig } from '../core/config.js';
import { repoAt, requireRepoRoot, type Repo } from '../core/repo.js';

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

/** Find the dvd repository around ctx.cwd and load its merged config. */
export function openRepo(ctx: ApiContext): OpenRepo {
  const root = requireRepoRoot(ctx.cwd);
  const config = loadConfig(root);
  return { repo: repoAt(root, config.get('cache.dir')), config };
}
