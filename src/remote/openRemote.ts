import { configBool, configFile, readConfigFile, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { LocalRemote } from './local.js';
import { parseDuration, parseJobsValue, parseSize, REMOTE_KEYS, remoteSettingProblem, remoteSettingsProblem, SECRET_KEYS } from './remoteSettings.js';
import { parseRemoteUrl } from './remoteUrl.js';
import { S3_DEFAULT_JOBS, S3_DEFAULT_TIMEOUT_MS, S3Remote } from './s3.js';
import type { Remote } from './Remote.js';

// Re-exported: api/ and other callers have always imported these from here.
export { parseJobsValue, parseSize, REMOTE_KEYS, SECRET_KEYS, parseRemoteUrl };

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
}

/**
 * Build the Remote named `name` (or the default) from the merged config. Every setting
 * of the remote is checked first (a hand-edited typo fails here, naming the key, before
 * any request), and secrets in the committed .dvd/config are refused.
 */
export function openRemote(root: string, config: FlatConfig, name: string | undefined, opts: OpenRemoteOptions = {}): OpenedRemote {
  const n = remoteName(config, name);
  const get = (k: string) => config.get(`remote.${n}.${k}`);
  for (const key of REMOTE_KEYS) {
    const value = get(key);
    const problem = value === undefined ? undefined : remoteSettingProblem(key, value, `remote.${n}.${key}`);
    if (problem) throw new DvdError('ECONFIG', problem, { hint: `fix it with \`dvd remote modify ${n} ${key} VALUE\`` });
  }
  let loc: ReturnType<typeof parseRemoteUrl>;
  try {
    loc = parseRemoteUrl(get('url')!, root);
  } catch (err) {
    // A url that `dvd remote add` would refuse, edited in by hand: a config error (exit 1).
    if (err instanceof DvdError) throw new DvdError('EBADURL', `remote.${n}.url: ${err.message}`, { hint: err.hint });
    throw err;
  }
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
  const combined = remoteSettingsProblem(get, n);
  if (combined) throw new DvdError('ECONFIG', combined);
  const ak = get('access_key_id');
  if ((ak === undefined) !== (get('secret_access_key') === undefined)) {
    throw new DvdError('ECONFIG', `remote.${n}: access_key_id and secret_access_key must be set together`);
  }
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
  });
  return { remote, jobs };
}
