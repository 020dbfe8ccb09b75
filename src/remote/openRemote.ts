import path from 'node:path';
import { configBool, configFile, readConfigFile, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { LocalRemote } from './local.js';
import { S3_DEFAULT_JOBS, S3Remote } from './s3.js';
import type { Remote } from './Remote.js';

/** Keys a `[remote "NAME"]` section may hold; `dvd remote modify` refuses others. */
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
  'multipart_threshold',
  'multipart_chunksize',
  'access_key_id',
  'secret_access_key',
  'session_token',
] as const;

/** Keys that are secrets: only .dvd/config.local or the user config may hold them (DESIGN rule 7). */
export const SECRET_KEYS = new Set(['access_key_id', 'secret_access_key', 'session_token']);

const DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

export type RemoteLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; dir: string };

/** Parse a remote URL: s3://bucket/prefix, file:///abs/path, or a folder path (relative to the repo root). */
export function parseRemoteUrl(url: string, root: string): RemoteLocation {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (s3) {
    const prefix = s3[2].replace(/\/+$/, '');
    if (prefix.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
      throw new DvdError('EBADURL', `remote url ${JSON.stringify(url)}: the key prefix must not contain empty, '.' or '..' segments`);
    }
    return { kind: 's3', bucket: s3[1], prefix };
  }
  if (url.startsWith('file://')) {
    const p = decodeURIComponent(url.slice('file://'.length));
    if (!path.isAbsolute(p)) throw new DvdError('EBADURL', `remote url ${JSON.stringify(url)}: file:// needs an absolute path (file:///mnt/store)`);
    return { kind: 'local', dir: path.resolve(p) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new DvdError('EBADURL', `remote url ${JSON.stringify(url)}: unsupported scheme`, {
      hint: 'use s3://bucket/prefix (with remote.NAME.endpoint for S3-compatible stores), file:///path, or a folder path',
    });
  }
  return { kind: 'local', dir: path.resolve(root, url) };
}

/** "64MiB", "8M", "1g", "1048576" -> bytes. */
export function parseSize(text: string, key: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?b?)$/i.exec(text.trim());
  if (!m) throw new DvdError('ECONFIG', `config ${key}: expected a size like 64MiB, got ${JSON.stringify(text)}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

export function parseJobsValue(text: string, key: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new DvdError('ECONFIG', `config ${key}: expected a whole number from 1 to 1024, got ${JSON.stringify(text)}`);
  return n;
}

/** The remote a command should use: -r NAME, else core.remote. */
export function remoteName(config: FlatConfig, name: string | undefined): string {
  const chosen = name ?? config.get('core.remote');
  const known = remoteNames(config);
  if (!chosen) {
    throw new DvdError('ENOREMOTE', 'no remote given and no default remote set', {
      hint: known.length
        ? `pass -r NAME (one of: ${known.join(', ')}) or set a default with \`dvd remote default NAME\``
        : 'add one with `dvd remote add -d NAME s3://bucket/prefix` (or a folder path)',
    });
  }
  if (!config.has(`remote.${chosen}.url`)) {
    throw new DvdError('ENOREMOTE', `no remote named ${JSON.stringify(chosen)}${name ? '' : ' (core.remote)'}`, {
      hint: known.length ? `known remotes: ${known.join(', ')}` : 'add it with `dvd remote add NAME URL`',
    });
  }
  return chosen;
}

export function remoteNames(config: FlatConfig): string[] {
  const names: string[] = [];
  for (const k of config.keys()) {
    const m = /^remote\.(.+)\.url$/.exec(k);
    if (m) names.push(m[1]);
  }
  return names.sort();
}

export interface OpenedRemote {
  remote: Remote;
  /** Transfers in flight: -j, else remote.NAME.jobs, else the backend's default. */
  jobs: number;
}

/** Build the Remote named `name` (or the default) from the merged config. */
export function openRemote(root: string, config: FlatConfig, name: string | undefined, opts: { jobs?: number } = {}): OpenedRemote {
  const n = remoteName(config, name);
  const get = (k: string) => config.get(`remote.${n}.${k}`);
  const loc = parseRemoteUrl(get('url')!, root);
  const jobsCfg = get('jobs');
  const configuredJobs = opts.jobs ?? (jobsCfg !== undefined ? parseJobsValue(jobsCfg, `remote.${n}.jobs`) : undefined);
  if (loc.kind === 'local') {
    const remote = new LocalRemote(n, loc.dir);
    return { remote, jobs: configuredJobs ?? remote.defaultJobs };
  }
  // Secrets in the committed config would be pushed to every clone of the Git repo.
  const repoCfg = readConfigFile(configFile('repo', root));
  for (const k of SECRET_KEYS) {
    if (repoCfg.has(`remote.${n}.${k}`)) {
      throw new DvdError('ESECRETINCONFIG', `.dvd/config holds remote.${n}.${k}; secrets must not be committed`, {
        hint: `move it: \`dvd config --unset remote.${n}.${k}\` then \`dvd remote modify --local ${n} ${k} VALUE\` (or use the AWS environment/profile)`,
      });
    }
  }
  const ak = get('access_key_id');
  const sk = get('secret_access_key');
  if ((ak === undefined) !== (sk === undefined)) {
    throw new DvdError('ECONFIG', `remote.${n}: access_key_id and secret_access_key must be set together`);
  }
  const threshold = get('multipart_threshold');
  const chunk = get('multipart_chunksize');
  const jobs = configuredJobs ?? S3_DEFAULT_JOBS;
  const remote = new S3Remote({
    name: n,
    bucket: loc.bucket,
    prefix: loc.prefix,
    endpoint: get('endpoint'),
    region: get('region'),
    profile: get('profile'),
    pathStyle: get('path_style') === undefined ? undefined : configBool(config, `remote.${n}.path_style`, false),
    sse: get('sse'),
    sseKmsKeyId: get('sse_kms_key_id'),
    storageClass: get('storage_class'),
    credentials: ak !== undefined ? { accessKeyId: ak, secretAccessKey: sk!, sessionToken: get('session_token') } : undefined,
    jobs,
    multipartThreshold: threshold !== undefined ? parseSize(threshold, `remote.${n}.multipart_threshold`) : DEFAULT_MULTIPART_THRESHOLD,
    partSize: Math.max(5 * 1024 * 1024, chunk !== undefined ? parseSize(chunk, `remote.${n}.multipart_chunksize`) : DEFAULT_PART_SIZE),
  });
  return { remote, jobs };
}
