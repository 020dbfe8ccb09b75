import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigDocument } from './configDocument.js';
import { DvdError, isErrno } from './errors.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { quoteText } from './quoteText.js';

// Git-style dotted keys over INI files: `remote.storage.url` lives in
// `[remote "storage"] url = ...`. Three levels, local > repo > user.
export type ConfigLevel = 'local' | 'repo' | 'user';
export type FlatConfig = Map<string, string>;

/**
 * The file of one level. `shareDir` is where config.local lives: `<root>/.dvd`, or in a
 * linked Git worktree the directory all worktrees share (like git's own config).
 */
export function configFile(level: ConfigLevel, root: string | null, shareDir?: string): string {
  if (level === 'user') {
    const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
    return path.join(base, 'dvd', 'config');
  }
  if (!root) throw new DvdError('ENOTREPO', 'not a dvd repository', { hint: 'use --global, or run `dvd init`' });
  return level === 'local' ? path.join(shareDir ?? path.join(root, '.dvd'), 'config.local') : path.join(root, '.dvd', 'config');
}

export { splitKey } from './configDocument.js';

/** The file's text, or '' when it does not exist. */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return '';
    throw err;
  }
}

/** Every `section[.sub].name` -> value of one config file (empty when it does not exist). */
export function readConfigFile(file: string): FlatConfig {
  return ConfigDocument.parse(readText(file), displayName(file)).entries();
}

/**
 * Edit one config file in place: `edit` changes the parsed document, and only the lines
 * it touched change on disk (comments and unknown sections stay). Written atomically;
 * nothing is written when the text is unchanged.
 */
export function editConfigFile<T>(file: string, edit: (doc: ConfigDocument) => T): T {
  const before = readText(file);
  const doc = ConfigDocument.parse(before, displayName(file));
  const result = edit(doc);
  const after = doc.toString();
  if (after !== before) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, after);
  }
  return result;
}

/** `.dvd/config` rather than a long absolute path in messages. */
function displayName(file: string): string {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf('.dvd');
  return i >= 0 ? parts.slice(i).join('/') : file;
}

/** Merged view of all three levels (`shareDir`: see configFile). */
export function loadConfig(root: string | null, shareDir?: string): FlatConfig {
  const merged: FlatConfig = new Map();
  const levels: ConfigLevel[] = root ? ['user', 'repo', 'local'] : ['user'];
  for (const level of levels) {
    for (const [k, v] of readConfigFile(configFile(level, root, shareDir))) merged.set(k, v);
  }
  return merged;
}

export function configBool(cfg: FlatConfig, key: string, dflt: boolean): boolean {
  const v = cfg.get(key);
  if (v === undefined) return dflt;
  if (/^(true|yes|on|1)$/i.test(v)) return true;
  if (/^(false|no|off|0)$/i.test(v)) return false;
  throw new DvdError('ECONFIG', `config ${key}: expected true or false, got ${quoteText(v)}`);
}
