import { closest, distance } from 'fastest-levenshtein';
import { configFile, loadConfig, readConfigFile, type ConfigLevel, type FlatConfig } from '../core/config.js';
import { joinKey, splitKey } from '../core/configDocument.js';
import { DvdError, usageError } from '../core/errors.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { dvdShareOf } from './context.js';
import { parseDuration, parseJobsValue, parseSize } from '../remote/remoteSettings.js';
import { parseRemoteUrl } from '../remote/remoteUrl.js';
import { parseStageList } from '../pipeline/registryTag.js';

// Every key dvd reads, with the check a value must pass. One path for all of them:
// `dvd config`, `dvd remote add|modify` (checkConfigValue, when the value is typed) and
// every command that uses a remote (checkRemoteConfig, for what was edited by hand), so a
// typo fails when it is typed, or before the first request, never in the middle of a push.

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

/** One rule of a remote setting: `bad(...)` when `ok(value)` is false. */
const rule =
  (ok: (v: string) => boolean, expected: string): Check =>
  (key, v) => {
    if (!ok(v)) throw usageError(`${key}: expected ${expected}, got ${JSON.stringify(v)}`);
  };

const notEmpty: Check = (key, v) => {
  if (v.trim() === '') throw usageError(`${key}: must not be empty`);
};

function isEndpoint(v: string): boolean {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.search && !u.hash;
}

/**
 * Every key a `[remote "NAME"]` section may hold, in the order `remote list -v` shows
 * them, with its check. Values follow the AWS CLI's spelling (sse AES256, aws:kms;
 * storage classes in capitals) so a value copied from an `aws s3 cp` command line works;
 * sizes, counts and durations are checked by the parsers openRemote converts them with.
 */
const REMOTE_CHECKS = {
  url: (key, v, env) => void parseRemoteUrl(v, env.root ?? process.cwd()),
  endpoint: rule(isEndpoint, 'http(s)://host[:port]'),
  region: rule((v) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v), 'a region name like eu-west-1'),
  profile: rule((v) => /^[^\s[\]]+$/.test(v), 'a profile name from ~/.aws/config'),
  path_style: checkBool,
  sse: rule((v) => ['AES256', 'aws:kms', 'aws:kms:dsse'].includes(v), 'AES256, aws:kms or aws:kms:dsse'),
  sse_kms_key_id: notEmpty,
  storage_class: rule((v) => /^[A-Z][A-Z0-9_]*$/.test(v), 'a storage class like STANDARD_IA or GLACIER_IR (capitals, digits, _)'),
  jobs: (key, v) => void parseJobsValue(v, key),
  timeout: (key, v) => void parseDuration(v, key),
  multipart_threshold: (key, v) => void parseSize(v, key),
  multipart_chunksize: (key, v) => void parseSize(v, key),
  access_key_id: notEmpty,
  secret_access_key: notEmpty,
  session_token: notEmpty,
} satisfies Record<string, Check>;

type RemoteKey = keyof typeof REMOTE_CHECKS;

/** Keys a `[remote "NAME"]` section may hold; `dvd remote modify` and `dvd config` refuse others. */
export const REMOTE_KEYS = Object.keys(REMOTE_CHECKS) as RemoteKey[];

/** Keys that are secrets: only .dvd/config.local or the user config may hold them (DESIGN rule 7). */
export const SECRET_KEYS: ReadonlySet<string> = new Set<RemoteKey>(['access_key_id', 'secret_access_key', 'session_token']);

const KMS_VALUES = new Set(['aws:kms', 'aws:kms:dsse']);

/**
 * A rule between settings of remote `name` (`get(key)` reads the merged config), or
 * undefined: a KMS key id only means something with aws:kms.
 */
function remoteSettingsProblem(get: (key: string) => string | undefined, name: string): string | undefined {
  const kms = get('sse_kms_key_id');
  const sse = get('sse');
  if (kms !== undefined && (sse === undefined || !KMS_VALUES.has(sse))) {
    return `remote.${name}.sse_kms_key_id needs sse = aws:kms or aws:kms:dsse (it is ${sse ?? 'not set'})`;
  }
  return undefined;
}

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

const isRemoteKey = (name: string): name is RemoteKey => Object.hasOwn(REMOTE_CHECKS, name);

/** Refuse a key dvd does not read, naming the closest one it does. */
export function checkKnownKey(key: string): void {
  const k = splitKey(key);
  const full = joinKey(k);
  if (k.section === 'remote' && k.sub !== undefined) {
    if (isRemoteKey(k.name)) return;
  } else if (full in PLAIN_KEYS) {
    return;
  }
  const guess = suggest(full, knownKeys(k.sub ?? 'NAME'));
  throw new DvdError('EUNKNOWNKEY', `unknown config key ${JSON.stringify(key)}`, {
    exitCode: 2,
    hint: guess ? `did you mean ${guess}?` : `known keys: ${knownKeys().join(', ')}`,
  });
}

/** Refuse a setting name `dvd remote modify` does not know (usage error, with the closest one). */
export function checkRemoteKey(name: string): void {
  if (isRemoteKey(name)) return;
  const guess = suggest(name, REMOTE_KEYS);
  throw usageError(`unknown remote setting ${JSON.stringify(name)}`, guess ? `did you mean ${guess}?` : `known settings: ${REMOTE_KEYS.join(', ')}`);
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

/** Run a check; what it refuses is a usage error (exit 2), as a value typed on the command line. */
function runCheck(check: Check, key: string, value: string, env: { root: string | null; level: ConfigLevel }): void {
  try {
    check(key, value, env);
  } catch (err) {
    if (err instanceof DvdError && err.exitCode !== 2) throw new DvdError(err.code, err.message, { exitCode: 2, hint: err.hint });
    throw err;
  }
}

/**
 * Everything a value must pass before it is written: a known key, no secret in the
 * committed file, the key's own check, and for remote settings the rules between them
 * (checked on the merged config with the new value). Throws DvdError, exit 2, naming
 * the key.
 */
export function checkConfigValue(key: string, value: string, env: { root: string | null; level: ConfigLevel }): void {
  checkKnownKey(key);
  checkSecretLevel(key, env.level);
  const k = splitKey(key);
  if (k.section === 'remote' && k.sub !== undefined) {
    if (!REMOTE_NAME_RE.test(k.sub)) throw usageError(`bad remote name ${JSON.stringify(k.sub)} (letters, digits, '.', '_', '-')`);
    runCheck(REMOTE_CHECKS[k.name as RemoteKey], key, value, env);
    const merged = env.root ? loadConfig(env.root, dvdShareOf(env.root)) : readConfigFile(configFile('user', null));
    merged.set(key, value);
    const combined = remoteSettingsProblem((name) => merged.get(`remote.${k.sub}.${name}`), k.sub);
    if (combined) throw usageError(combined);
    return;
  }
  runCheck(PLAIN_KEYS[joinKey(k)], key, value, env);
}

/**
 * Check remote `name`'s settings in the merged `config` before a command uses it: a
 * value edited in by hand fails here, naming the key, before any request (ECONFIG or
 * EBADURL, exit 1, with the `dvd remote modify` that fixes it). For S3 remotes also:
 * no secret in the committed .dvd/config (it would reach every clone), and the rules
 * between settings. Unknown keys in the section are left alone (`dvd config --unset`
 * removes them).
 */
export function checkRemoteConfig(root: string, config: FlatConfig, name: string): void {
  const get = (key: string) => config.get(`remote.${name}.${key}`);
  const env = { root, level: 'repo' as const };
  for (const key of REMOTE_KEYS) {
    const value = get(key);
    if (value === undefined) continue;
    const full = `remote.${name}.${key}`;
    try {
      REMOTE_CHECKS[key](full, value, env);
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      // A url that `dvd remote add` would refuse: its message names the url, the key goes in front.
      if (key === 'url') throw new DvdError('EBADURL', `${full}: ${err.message}`, { hint: err.hint });
      throw new DvdError('ECONFIG', err.message, { hint: `fix it with \`dvd remote modify ${name} ${key} VALUE\`` });
    }
  }
  if (parseRemoteUrl(get('url')!, root).kind !== 's3') return;
  const committed = readConfigFile(configFile('repo', root));
  for (const k of SECRET_KEYS) {
    if (committed.has(`remote.${name}.${k}`)) {
      throw new DvdError('ESECRETINCONFIG', `.dvd/config holds remote.${name}.${k}; secrets must not be committed`, {
        hint: `move it: \`dvd config --unset remote.${name}.${k}\` then \`dvd remote modify --local ${name} ${k} VALUE\` (or use the AWS environment/profile)`,
      });
    }
  }
  const combined = remoteSettingsProblem(get, name);
  if (combined) throw new DvdError('ECONFIG', combined);
  if ((get('access_key_id') === undefined) !== (get('secret_access_key') === undefined)) {
    throw new DvdError('ECONFIG', `remote.${name}: access_key_id and secret_access_key must be set together`);
  }
}
