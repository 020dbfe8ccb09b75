import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { DvdError } from '../core/errors.js';
import { proxyEnv, type ProxyEnv } from './proxyForUrl.js';

export interface AwsSetupInput {
  remoteName: string;
  /** remote.NAME.region and remote.NAME.profile: the AWS CLI's --region and --profile. */
  region?: string;
  profile?: string;
  /** The endpoint is https (AWS itself, or an https endpoint): only then is a CA bundle read. */
  https: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface AwsSetup {
  region: string;
  /** Where the region came from, for messages. */
  regionSource: string;
  profile: { name: string; source: string };
  /**
   * Keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when the CLI would use them;
   * undefined: the SDK's credential chain for `profile` (files, SSO, process, roles).
   */
  envCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** PEM of AWS_CA_BUNDLE or the profile's ca_bundle: replaces the default trust store. */
  ca?: string;
  proxies: ProxyEnv;
}

// An empty variable counts as unset (as in the AWS SDK for JavaScript, and as `export
// AWS_PROFILE=` is commonly used to clear one); the CLI would look for a profile named "".
const envValue = (env: NodeJS.ProcessEnv, name: string) => (env[name] ? env[name] : undefined);

/**
 * Region, profile, credentials source, CA bundle and proxies for an S3 remote, resolved
 * as the AWS CLI v2 resolves them for the same environment
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html):
 *
 * - profile: remote.NAME.profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
 *   "default". A named profile that is in neither file is an error (ENOPROFILE) naming
 *   the files, the profiles there and the closest name.
 * - region: remote.NAME.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`,
 *   else us-east-1 (and the S3 remote follows the bucket's region when AWS says so).
 * - credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY win over AWS_PROFILE but not
 *   over an explicit remote.NAME.profile (botocore drops its environment provider for
 *   an explicit profile); otherwise the SDK's chain for the profile.
 * - CA bundle: AWS_CA_BUNDLE, else the profile's `ca_bundle`; unreadable -> ECABUNDLE.
 * - proxies: HTTP(S)_PROXY and NO_PROXY (proxyEnv).
 *
 * The files are AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/config,
 * ~/.aws/credentials), parsed by the SDK's own loader.
 */
export async function resolveAwsSetup(o: AwsSetupInput): Promise<AwsSetup> {
  const env = o.env ?? process.env;
  const home = envValue(env, 'HOME') ?? os.homedir();
  const configPath = envValue(env, 'AWS_CONFIG_FILE') ?? path.join(home, '.aws', 'config');
  const credentialsPath = envValue(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? path.join(home, '.aws', 'credentials');
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const files = await loadSharedConfigFiles({ configFilepath: configPath, filepath: credentialsPath, ignoreCache: true });

  const profile = o.profile !== undefined
    ? { name: o.profile, source: `remote.${o.remoteName}.profile` }
    : envValue(env, 'AWS_PROFILE') !== undefined
      ? { name: env.AWS_PROFILE!, source: 'AWS_PROFILE' }
      : envValue(env, 'AWS_DEFAULT_PROFILE') !== undefined
        ? { name: env.AWS_DEFAULT_PROFILE!, source: 'AWS_DEFAULT_PROFILE' }
        : { name: 'default', source: 'the default' };
  const inConfig = files.configFile[profile.name];
  if (profile.name !== 'default' && !inConfig && !files.credentialsFile[profile.name]) {
    const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])]
      .filter((k) => !/^(sso-session|services)\./.test(k))
      .sort();
    const near = known.length ? closest(profile.name, known) : undefined;
    const guess = near !== undefined && distance(near, profile.name) <= Math.max(2, profile.name.length / 3) ? ` (did you mean "${near}"?)` : '';
    throw new DvdError('ENOPROFILE', `remote ${o.remoteName}: AWS profile "${profile.name}" (${profile.source}) is not in ${configPath} or ${credentialsPath}`, {
      hint: known.length ? `profiles there: ${known.join(', ')}${guess}` : `create it with \`aws configure --profile ${profile.name}\``,
    });
  }

  const regionFrom: [string | undefined, string][] = [
    [o.region, `remote.${o.remoteName}.region`],
    [envValue(env, 'AWS_REGION'), 'AWS_REGION'],
    [envValue(env, 'AWS_DEFAULT_REGION'), 'AWS_DEFAULT_REGION'],
    [inConfig?.region, `region of profile "${profile.name}" in ${configPath}`],
    ['us-east-1', 'the default'],
  ];
  const [region, regionSource] = regionFrom.find(([v]) => v) as [string, string];

  const keyId = envValue(env, 'AWS_ACCESS_KEY_ID');
  const secret = envValue(env, 'AWS_SECRET_ACCESS_KEY');
  const envCredentials =
    o.profile === undefined && keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: envValue(env, 'AWS_SESSION_TOKEN') } : undefined;

  let ca: string | undefined;
  const caFrom: [string | undefined, string][] = [
    [envValue(env, 'AWS_CA_BUNDLE'), 'AWS_CA_BUNDLE'],
    [inConfig?.ca_bundle, `ca_bundle of profile "${profile.name}" in ${configPath}`],
  ];
  const caSetting = caFrom.find(([v]) => v);
  if (o.https && caSetting) {
    try {
      ca = fs.readFileSync(caSetting[0]!, 'utf8');
    } catch (err) {
      throw new DvdError('ECABUNDLE', `remote ${o.remoteName}: cannot read the CA bundle ${caSetting[0]} (${caSetting[1]}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
        hint: 'point it at a PEM file of the CA that signs the endpoint, or unset it to use the system trust store',
      });
    }
  }
  return { region, regionSource, profile, envCredentials, ca, proxies: proxyEnv(env) };
}
