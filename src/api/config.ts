import { configFile, editConfigFile, readConfigFile, type ConfigLevel } from '../core/config.js';
import { joinKey, splitKey } from '../core/configDocument.js';
import { usageError } from '../core/errors.js';
import { findRepoRoot } from '../core/repo.js';
import { checkConfigValue, checkKnownKey, SECRET_KEYS } from './configKeys.js';
import { dvdShareOf, type ApiContext } from './context.js';

export interface ConfigOptions {
  /** Which file: --local (.dvd/config.local), --global (user), else the repo's .dvd/config. */
  level?: ConfigLevel;
  key?: string;
  value?: string;
  unset?: boolean;
  list?: boolean;
  /** --list: print secrets (remote keys) as they are instead of masked. */
  showSecrets?: boolean;
}

export type ConfigResult =
  | { action: 'get'; key: string; value: string | undefined }
  | { action: 'set'; key: string; value: string; file: string }
  | { action: 'unset'; key: string; file: string; existed: boolean }
  | { action: 'list'; entries: { key: string; value: string; level: ConfigLevel; masked?: true }[] };

/** What a masked secret reads as in `dvd config --list`. */
export const MASKED = '********';

/** `remote.NAME.secret_access_key` and the other credentials of a remote. */
function isSecretKey(key: string): boolean {
  const k = splitKey(key);
  return k.section === 'remote' && k.sub !== undefined && SECRET_KEYS.has(k.name);
}

/**
 * git-config-like get/set/unset/list over one level, or the merged view for get/list.
 * Set refuses unknown keys (with the closest known one) and invalid values, exit 2;
 * unset takes any key, so a stray one can be removed; get of an unknown key that is not
 * set is refused too (a typo would otherwise read as "not set"). --list masks secrets
 * unless `showSecrets`; getting one key prints it as git does.
 */
export function config(ctx: ApiContext, o: ConfigOptions): ConfigResult {
  const root = findRepoRoot(ctx.cwd);
  const share = root ? dvdShareOf(root) : undefined;
  const levels: ConfigLevel[] = o.level ? [o.level] : root ? ['user', 'repo', 'local'] : ['user'];
  if (o.list) {
    if (o.key !== undefined || o.unset) throw usageError('--list takes no key and no --unset');
    const entries: { key: string; value: string; level: ConfigLevel; masked?: true }[] = [];
    for (const level of levels) {
      for (const [key, value] of readConfigFile(configFile(level, root, share))) {
        // A listing is pasted into issues and screen shares; `remote list -v` hides the same keys.
        const secret = !o.showSecrets && isSecretKey(key);
        entries.push(secret ? { key, value: MASKED, level, masked: true } : { key, value, level });
      }
    }
    return { action: 'list', entries };
  }
  if (o.key === undefined) throw usageError('missing KEY', 'dvd config KEY [VALUE], dvd config --unset KEY, or dvd config --list');
  const key = joinKey(splitKey(o.key));
  if (o.unset) {
    if (o.value !== undefined) throw usageError('--unset takes a KEY only');
    const file = configFile(o.level ?? 'repo', root, share);
    const existed = editConfigFile(file, (doc) => doc.unset(key));
    return { action: 'unset', key, file, existed };
  }
  if (o.value === undefined) {
    // Reading: one level when asked, else the merged view (local > repo > user).
    let value: string | undefined;
    for (const level of levels) value = readConfigFile(configFile(level, root, share)).get(key) ?? value;
    if (value === undefined) checkKnownKey(key);
    return { action: 'get', key, value };
  }
  const level = o.level ?? 'repo';
  checkConfigValue(key, o.value, { root, level });
  const file = configFile(level, root, share);
  editConfigFile(file, (doc) => doc.set(key, o.value!));
  return { action: 'set', key, value: o.value, file };
}
