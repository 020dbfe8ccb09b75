import { configBool, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { LocalRemote } from './local.js';
import { parseDuration, parseJobsValue, parseSize } from './remoteSettings.js';
import { parseRemoteUrl } from './remoteUrl.js';
import { S3_DEFAULT_JOBS, S3_DEFAULT_TIMEOUT_MS, S3Remote } from './s3.js';
import type { Remote } from './Remote.js';

const DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

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

export interface OpenRemoteOptions {
  jobs?: number;
  /** Where a remote's notices go (timeouts, throttling, a region redirect): the command's warnings. */
  warn?: (message: string) => void;
  /** Attempts per request (a probe such as `dvd doctor` makes one); default the RetryPolicy's. */
  attempts?: number;
}

/**
 * Build the Remote named `name` (or the default) from the merged config, converting its
 * settings. Values are not judged here: api/configKeys' checkRemoteConfig runs first (one
 * set of rules for typing a value and using it); a value the parsers cannot read still
 * throws ECONFIG naming the key.
 */
export function openRemote(root: string, config: FlatConfig, name: string | undefined, opts: OpenRemoteOptions = {}): OpenedRemote {
  const n = remoteName(config, name);
  const get = (k: string) => config.get(`remote.${n}.${k}`);
  const loc = parseRemoteUrl(get('url')!, root);
  const jobsCfg = get('jobs');
  const configuredJobs = opts.jobs ?? (jobsCfg !== undefined ? parseJobsValue(jobsCfg, `remote.${n}.jobs`) : undefined);
  if (loc.kind === 'local') {
    const remote = new LocalRemote(n, loc.dir);
    return { remote, jobs: configuredJobs ?? remote.defaultJobs };
  }
  const ak = get('access_key_id');
  const threshold = get('multipart_threshold');
  const chunk = get('multipart_chunksize');
  const timeout = get('timeout');
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
    credentials: ak !== undefined ? { accessKeyId: ak, secretAccessKey: get('secret_access_key')!, sessionToken: get('session_token') } : undefined,
    jobs,
    timeoutMs: timeout !== undefined ? parseDuration(timeout, `remote.${n}.timeout`) : S3_DEFAULT_TIMEOUT_MS,
    multipartThreshold: threshold !== undefined ? parseSize(threshold, `remote.${n}.multipart_threshold`) : DEFAULT_MULTIPART_THRESHOLD,
    partSize: Math.max(5 * 1024 * 1024, chunk !== undefined ? parseSize(chunk, `remote.${n}.multipart_chunksize`) : DEFAULT_PART_SIZE),
    onNotice: opts.warn,
    attempts: opts.attempts,
  });
  return { remote, jobs };
}
