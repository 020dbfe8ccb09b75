import { configFile, readConfigFile, splitKey, writeConfigFile, type ConfigLevel } from '../core/config.js';
import { DvdError, usageError } from '../core/errors.js';
import { findRepoRoot } from '../core/repo.js';
import { checkRemoteValue, SECRET_KEYS } from '../remote/remoteSettings.js';
import type { ApiContext } from './context.js';

export interface ConfigOptions {
  /** Which file: --local (.dvd/config.local), --global (user), else the repo's .dvd/config. */
  level?: ConfigLevel;
  key?: string;
  value?: string;
  unset?: boolean;
  list?: boolean;
}

export type ConfigResult =
  | { action: 'get'; key: string; value: string | undefined }
  | { action: 'set'; key: string; value: string; file: string }
  | { action: 'unset'; key: string; file: string; existed: boolean }
  | { action: 'list'; entries: { key: string; value: string; level: ConfigLevel }[] };

/** Refuse to write a secret into the committed config (DESIGN rule 7). */
export function checkSecretLevel(key: string, level: ConfigLevel): void {
  const { section, sub, name } = splitKey(key);
  if (section === 'remote' && sub !== undefined && SECRET_KEYS.has(name) && level === 'repo') {
    throw new DvdError('ESECRETINCONFIG', `${key} is a secret and .dvd/config is committed to Git`, {
      exitCode: 2,
      hint: `use --local (stored in the git-ignored .dvd/config.local) or the AWS environment/profile`,
    });
  }
}

/** git-config-like get/set/unset/list over one level, or the merged view for get/list. */
export function config(ctx: ApiContext, o: ConfigOptions): ConfigResult {
  const root = findRepoRoot(ctx.cwd);
  if (o.list) {
    if (o.key !== undefined || o.unset) throw usageError('--list takes no key and no --unset');
    const levels: ConfigLevel[] = o.level ? [o.level] : root ? ['user', 'repo', 'local'] : ['user'];
    const entries: { key: string; value: string; level: ConfigLevel }[] = [];
    for (const level of levels) for (const [key, value] of readConfigFile(configFile(level, root))) entries.push({ key, value, level });
    return { action: 'list', entries };
  }
  if (o.key === undefined) throw usageError('missing KEY', 'dvd config KEY [VALUE], dvd config --unset KEY, or dvd config --list');
  splitKey(o.key);
  if (o.unset) {
    if (o.value !== undefined) throw usageError('--unset takes a KEY only');
    const file = configFile(o.level ?? 'repo', root);
    const cfg = readConfigFile(file);
    const existed = cfg.delete(o.key);
    if (existed) writeConfigFile(file, cfg);
    return { action: 'unset', key: o.key, file, existed };
  }
  if (o.value === undefined) {
    // Reading: one level when asked, else the merged view (local > repo > user).
    let value: string | undefined;
    const levels: ConfigLevel[] = o.level ? [o.level] : root ? ['user', 'repo', 'local'] : ['user'];
    for (const level of levels) value = readConfigFile(configFile(level, root)).get(o.key) ?? value;
    return { action: 'get', key: o.key, value };
  }
  const level = o.level ?? 'repo';
  checkSecretLevel(o.key, level);
  // `dvd config remote.NAME.KEY VALUE` is checked as `dvd remote modify` checks it.
  const { section, sub, name } = splitKey(o.key);
  if (section === 'remote' && sub !== undefined) checkRemoteValue(name, o.value, o.key, root ?? ctx.cwd);
  const file = configFile(level, root);
  const cfg = readConfigFile(file);
  cfg.set(o.key, o.value);
  writeConfigFile(file, cfg);
  return { action: 'set', key: o.key, value: o.value, file };
}
