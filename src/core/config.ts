import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ini from 'ini';
import { DvdError, isErrno, usageError } from './errors.js';
import { writeFileAtomic } from './writeFileAtomic.js';

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

const SECTION_RE = /^([A-Za-z][A-Za-z0-9-]*) "([^"]*)"$/;

export function splitKey(key: string): { section: string; sub?: string; name: string } {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first <= 0 || last === key.length - 1) throw usageError(`bad config key ${JSON.stringify(key)} (expected section.name, e.g. core.remote)`);
  const section = key.slice(0, first);
  const name = key.slice(last + 1);
  if (first === last) return { section, name };
  return { section, sub: key.slice(first + 1, last), name };
}

export function readConfigFile(file: string): FlatConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return new Map();
    throw err;
  }
  const out: FlatConfig = new Map();
  let parsed: Record<string, unknown>;
  try {
    // ini would nest sections on '.', which git-style subsections never need; escape them.
    parsed = ini.decode(text.replace(/^\[([^\]\n]*)\]/gm, (_m, s: string) => `[${s.replace(/\./g, '\\.')}]`));
  } catch (err) {
    throw new DvdError('ECONFIG', `${file}: cannot parse: ${(err as Error).message}`);
  }
  for (const [sectionName, body] of Object.entries(parsed)) {
    if (typeof body !== 'object' || body === null) {
      throw new DvdError('ECONFIG', `${file}: key ${JSON.stringify(sectionName)} outside any [section]`);
    }
    const m = SECTION_RE.exec(sectionName);
    const prefix = m ? `${m[1]}.${m[2]}` : sectionName;
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      out.set(`${prefix}.${k}`, String(v));
    }
  }
  return out;
}

export function writeConfigFile(file: string, cfg: FlatConfig): void {
  const sections = new Map<string, Record<string, string>>();
  for (const [key, value] of [...cfg.entries()]) {
    const { section, sub, name } = splitKey(key);
    const header = sub === undefined ? section : `${section} "${sub}"`;
    if (!sections.has(header)) sections.set(header, {});
    sections.get(header)![name] = value;
  }
  let text = '';
  for (const [header, body] of sections) {
    text += `[${header}]\n`;
    for (const [k, v] of Object.entries(body)) text += `\t${k} = ${v}\n`;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
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
  throw new DvdError('ECONFIG', `config ${key}: expected true or false, got ${JSON.stringify(v)}`);
}
