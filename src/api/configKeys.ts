import { closest, distance } from 'fastest-levenshtein';
import { loadConfig, type ConfigLevel } from '../core/config.js';
import { joinKey, splitKey } from '../core/configDocument.js';
import { DvdError, usageError } from '../core/errors.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { dvdShareOf } from './context.js';
import { parseJobsValue, parseRemoteUrl, parseSize, REMOTE_KEYS, SECRET_KEYS } from '../remote/openRemote.js';
import { parseStageList } from '../pipeline/registryTag.js';

// Every key dvd reads, with the check a value must pass, so `dvd config` refuses a typo or
// a bad value when it is typed instead of when a later push reads it.

/** Remote names: what `dvd remote add` accepts. */
export const REMOTE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const BOOL_RE = /^(true|false|yes|no|on|off|1|0)$/i;

function checkBool(key: string, v: string): void {
  if (!BOOL_RE.test(v)) throw usageError(`${key}: expected true or false, got ${JSON.stringify(v)}`);
}

type Check = (key: string, value: string, env: { root: string | null; level: ConfigLevel }) => void;

/** Keys outside `[remote "NAME"]`, with their checks. */
const PLAIN_KEYS: Record<string, Check> = {
  'core.remote': (key, v, env) => {
    if (!REMOTE_NAME_RE.test(v)) throw usageError(`${key}: bad remote name ${JSON.stringify(v)}`);
    // In a repository the default must name a remote that exists; the user level may name
    // one that only some repositories define.
    if (env.root && env.level !== 'user' && !loadConfig(env.root, dvdShareOf(env.root)).has(`remote.${v}.url`)) {
      throw new DvdError('ENOREMOTE', `${key}: no remote named ${JSON.stringify(v)}`, { exitCode: 2, hint: 'add it first with `dvd remote add NAME URL`' });
    }
  },
  'core.autostage': checkBool,
  'core.no_scm': checkBool,
  'cache.type': (key, v) => {
    try {
      linkTypesFromConfig(new Map([['cache.type', v]]));
    } catch (err) {
      throw new DvdError('EUSAGE', (err as DvdError).message, { exitCode: 2, hint: (err as DvdError).hint });
    }
  },
  'cache.dir': (key, v) => {
    if (v.trim() === '') throw usageError(`${key}: expected a folder path`);
  },
  // The stages `dvd artifact assign` accepts (README: registry.stages).
  'registry.stages': (key, v) => void parseStageList(v, key),
};

/** Checks of remote settings; keys without one take any text. */
const REMOTE_CHECKS: Partial<Record<(typeof REMOTE_KEYS)[number], Check>> = {
  url: (key, v, env) => void parseRemoteUrl(v, env.root ?? process.cwd()),
  jobs: (key, v) => void parseJobsValue(v, key),
  multipart_threshold: (key, v) => void parseSize(v, key),
  multipart_chunksize: (key, v) => void parseSize(v, key),
  path_style: checkBool,
  endpoint: (key, v) => {
    if (!/^https?:\/\/[^/]+/.test(v)) throw usageError(`${key}: expected http(s)://host[:port], got ${JSON.stringify(v)}`);
  },
};

/** Every key dvd knows, for suggestions and completion; remote keys use `sub` as the remote name. */
export function knownKeys(sub = 'NAME'): string[] {
  return [...Object.keys(PLAIN_KEYS), ...REMOTE_KEYS.map((k) => `remote.${sub}.${k}`)];
}

/** " (did you mean cache.type?)"-style hint for a mistyped word, or undefined when nothing is close. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  // Up to a third of the word may differ (two letters swapped count as two edits).
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Refuse a key dvd does not read, naming the closest one it does. */
export function checkKnownKey(key: string): void {
  const k = splitKey(key);
  const full = joinKey(k);
  if (k.section === 'remote' && k.sub !== undefined) {
    if ((REMOTE_KEYS as readonly string[]).includes(k.name)) return;
  } else if (full in PLAIN_KEYS) {
    return;
  }
  const guess = suggest(full, knownKeys(k.sub ?? 'NAME'));
  throw new DvdError('EUNKNOWNKEY', `unknown config key ${JSON.stringify(key)}`, {
    exitCode: 2,
    hint: guess ? `did you mean ${guess}?` : `known keys: ${knownKeys().join(', ')}`,
  });
}

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

/**
 * Everything a value must pass before it is written: a known key, no secret in the
 * committed file, and the key's own check (throws DvdError, exit 2, naming the key).
 */
export function checkConfigValue(key: string, value: string, env: { root: string | null; level: ConfigLevel }): void {
  checkKnownKey(key);
  checkSecretLevel(key, env.level);
  const k = splitKey(key);
  if (k.section === 'remote' && k.sub !== undefined) {
    if (!REMOTE_NAME_RE.test(k.sub)) throw usageError(`bad remote name ${JSON.stringify(k.sub)} (letters, digits, '.', '_', '-')`);
    const check = REMOTE_CHECKS[k.name as (typeof REMOTE_KEYS)[number]];
    try {
      check?.(key, value, env);
    } catch (err) {
      if (err instanceof DvdError && err.exitCode !== 2) throw new DvdError(err.code, err.message, { exitCode: 2, hint: err.hint });
      throw err;
    }
    return;
  }
  PLAIN_KEYS[joinKey(k)](key, value, env);
}
