import { DvdError, usageError } from '../core/errors.js';
import { parseRemoteUrl } from './remoteUrl.js';

/** Keys a `[remote "NAME"]` section may hold; `dvd remote modify` and `dvd config` refuse others. */
export const REMOTE_KEYS = [
  'url',
  'endpoint',
  'region',
  'profile',
  'path_style',
  'sse',
  'sse_kms_key_id',
  'storage_class',
  'jobs',
  'timeout',
  'multipart_threshold',
  'multipart_chunksize',
  'access_key_id',
  'secret_access_key',
  'session_token',
] as const;

/** Keys that are secrets: only .dvd/config.local or the user config may hold them (DESIGN rule 7). */
export const SECRET_KEYS = new Set(['access_key_id', 'secret_access_key', 'session_token']);

const SSE_VALUES = ['AES256', 'aws:kms', 'aws:kms:dsse'];
const KMS_VALUES = new Set(['aws:kms', 'aws:kms:dsse']);
const BOOL_RE = /^(true|false|yes|no|on|off|1|0)$/i;

/**
 * Why `value` is not a valid value of remote setting `key`, or undefined. `full` is the
 * dotted name for the message (`remote.s3.sse`). `url` is checked by parseRemoteUrl,
 * which needs the repository root. Values follow the AWS CLI's spelling (sse AES256,
 * aws:kms; storage classes in capitals) so a value copied from an `aws s3 cp` command
 * line works.
 */
export function remoteSettingProblem(key: string, value: string, full: string): string | undefined {
  const got = `got ${JSON.stringify(value)}`;
  switch (key) {
    case 'endpoint': {
      let u: URL | undefined;
      try {
        u = new URL(value);
      } catch {
        u = undefined;
      }
      if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.search || u.hash) return `${full}: expected http(s)://host[:port], ${got}`;
      return undefined;
    }
    case 'region':
      return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value) ? undefined : `${full}: expected a region name like eu-west-1, ${got}`;
    case 'profile':
      return /^[^\s[\]]+$/.test(value) ? undefined : `${full}: expected a profile name from ~/.aws/config, ${got}`;
    case 'path_style':
      return BOOL_RE.test(value) ? undefined : `${full}: expected true or false, ${got}`;
    case 'sse':
      return SSE_VALUES.includes(value) ? undefined : `${full}: expected AES256, aws:kms or aws:kms:dsse, ${got}`;
    case 'storage_class':
      return /^[A-Z][A-Z0-9_]*$/.test(value) ? undefined : `${full}: expected a storage class like STANDARD_IA or GLACIER_IR (capitals, digits, _), ${got}`;
    case 'jobs':
      return jobsProblem(value, full);
    case 'timeout':
      return durationMs(value) === undefined ? `${full}: expected a duration like 30s, 500ms or 2m, ${got}` : undefined;
    case 'multipart_threshold':
    case 'multipart_chunksize':
      return sizeBytes(value) === undefined ? `${full}: expected a size like 64MiB, ${got}` : undefined;
    case 'sse_kms_key_id':
    case 'access_key_id':
    case 'secret_access_key':
    case 'session_token':
      return value.trim() === '' ? `${full}: must not be empty` : undefined;
    default:
      return undefined;
  }
}

/** Refuse a key a `[remote "NAME"]` section may not hold (usage error). */
export function checkRemoteKey(key: string): void {
  if (!(REMOTE_KEYS as readonly string[]).includes(key)) throw usageError(`unknown remote setting ${JSON.stringify(key)}`, `known settings: ${REMOTE_KEYS.join(', ')}`);
}

/**
 * Check a value about to be written for remote setting `key` (`full` names it), as
 * `dvd remote modify` and `dvd config` both do: a typo fails when it is typed, not in
 * the middle of a push. Throws a usage error; a url is resolved against `root`.
 */
export function checkRemoteValue(key: string, value: string, full: string, root: string): void {
  checkRemoteKey(key);
  if (key === 'url') parseRemoteUrl(value, root);
  const problem = remoteSettingProblem(key, value, full);
  if (problem) throw usageError(problem);
}

/** A rule between two settings of remote `name`, or undefined; `get(key)` reads the merged config. */
export function remoteSettingsProblem(get: (key: string) => string | undefined, name: string): string | undefined {
  const kms = get('sse_kms_key_id');
  const sse = get('sse');
  if (kms !== undefined && (sse === undefined || !KMS_VALUES.has(sse))) {
    return `remote.${name}.sse_kms_key_id needs sse = aws:kms or aws:kms:dsse (it is ${sse ?? 'not set'})`;
  }
  return undefined;
}

function jobsProblem(text: string, key: string): string | undefined {
  const n = Number(text);
  return /^\d+$/.test(text) && n >= 1 && n <= 1024 ? undefined : `${key}: expected a whole number from 1 to 1024, got ${JSON.stringify(text)}`;
}

function sizeBytes(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?b?)$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

/** "30s", "500ms", "2m", "1h" or a bare number of seconds (as the AWS CLI's --cli-read-timeout) -> ms; > 0. */
function durationMs(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|min|h)?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'min' | 'h'];
  const ms = Math.round(Number(m[1]) * mult);
  return ms > 0 ? ms : undefined;
}

const configError = (message: string) => new DvdError('ECONFIG', message);

/** "64MiB", "8M", "1g", "1048576" -> bytes. Throws ECONFIG naming `key`. */
export function parseSize(text: string, key: string): number {
  const n = sizeBytes(text);
  if (n === undefined) throw configError(`${key}: expected a size like 64MiB, got ${JSON.stringify(text)}`);
  return n;
}

/** A transfer count 1..1024. Throws ECONFIG naming `key`. */
export function parseJobsValue(text: string, key: string): number {
  const problem = jobsProblem(text, key);
  if (problem) throw configError(problem);
  return Number(text);
}

/** A duration setting -> milliseconds. Throws ECONFIG naming `key`. */
export function parseDuration(text: string, key: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw configError(`${key}: expected a duration like 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  return ms;
}

/** "1 s", "500 ms", "2 min": how a duration is shown in messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+(ms / 60_000).toFixed(1)} min`;
}
