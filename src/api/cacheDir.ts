import path from 'node:path';
import { configFile, editConfigFile, type ConfigLevel } from '../core/config.js';
import { usageError } from '../core/errors.js';
import { findRepoRoot, repoAt, requireRepoRoot } from '../core/repo.js';
import { checkConfigValue } from './configKeys.js';
import { dvdShareOf, openRepo, type ApiContext } from './context.js';

export interface CacheDirResult {
  /** The cache folder in effect now, absolute. */
  dir: string;
  /** What was written to cache.dir (set), or null (unset / show). */
  written: string | null;
  file: string | null;
}

/**
 * `dvd cache dir [PATH]`: show the cache folder, or set `cache.dir`. As in DVC, a relative
 * PATH is taken from the current folder and stored relative to `.dvd/` at the repo and
 * local levels (so the setting holds in every clone's layout), absolute at the user level.
 * In a linked worktree "`.dvd/`" is the shared one (dvdShareOf), as repoAt reads it.
 */
export function cacheDir(ctx: ApiContext, o: { path?: string; level?: ConfigLevel; unset?: boolean }): CacheDirResult {
  if (o.path === undefined && !o.unset) return { dir: openRepo(ctx).repo.cacheDir, written: null, file: null };
  if (o.path !== undefined && o.unset) throw usageError('--unset takes no PATH');
  const level = o.level ?? 'repo';
  const root = level === 'user' ? findRepoRoot(ctx.cwd) : requireRepoRoot(ctx.cwd);
  const file = configFile(level, root, root ? dvdShareOf(root) : undefined);
  if (o.unset) {
    editConfigFile(file, (doc) => doc.unset('cache.dir'));
    return { dir: openRepo(ctx).repo.cacheDir, written: null, file };
  }
  const abs = path.resolve(ctx.cwd, o.path!);
  const share = root ? dvdShareOf(root) : null;
  const value = level === 'user' || !share ? abs : path.relative(share, abs) || '.';
  checkConfigValue('cache.dir', value, { root, level });
  editConfigFile(file, (doc) => doc.set('cache.dir', value));
  return { dir: root ? repoAt(root, value, share!).cacheDir : abs, written: value, file };
}
