import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, startForwardProxy, type Fault, type FaultProxy, type ForwardProxy, type SeenRequest } from './faultProxy.js';
import { seededBytes, tempDir } from './helpers.js';
import { remoteFixture } from './remoteFixture.js';
import { makeTestCerts, type TestCerts } from './tlsCerts.js';

// The user's AWS setup - ~/.aws/config and credentials, AWS_* variables, proxies, a
// private CA - resolved as the AWS CLI resolves it for the same environment, with
// errors that name the profile or setting that could not be found.

const fx = remoteFixture({ bucket: 'awssetup' });
const signedRegion = (q: SeenRequest) => /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(q.headers.authorization ?? ''))?.[1];
/** The signing regions of the requests so far, in order of first use. */
const regions = () => [...new Set(fx.proxy.requests.map(signedRegion))];
// No region from the machine: each test says where it comes from.
const noRegion = { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined };

/** AWS's answer to a request signed for the wrong region of a bucket that lives in `region`. */
function bucketLivesIn(region: string, answer: 400 | 301): (q: SeenRequest) => Fault | null {
  return (q) => {
    if (signedRegion(q) === region) return null;
    const code = answer === 400 ? 'AuthorizationHeaderMalformed' : 'PermanentRedirect';
    return {
      kind: 'status',
      status: answer,
      headers: { 'x-amz-bucket-region': region },
      contentType: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>the region '${signedRegion(q)}' is wrong; expecting '${region}'</Message><Region>${region}</Region></Error>`,
    };
  };
}

/** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with these contents, in a temp dir. */
function awsFiles(config: string, credentials = ''): { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
  const d = fx.dir('dvd-aws-');
  fs.writeFileSync(path.join(d, 'config'), config);
  fs.writeFileSync(path.join(d, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: path.join(d, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(d, 'credentials') };
}

describe('region', { timeout: 240_000 }, () => {
  it('comes from the profile in ~/.aws/config when nothing else sets it', async () => {
    const { repo } = await fx.setup();
    fx.proxy.rule = bucketLivesIn('eu-west-1', 400);
    await fx.ok(repo, ['push'], { ...noRegion, ...awsFiles('[default]\nregion = eu-west-1\n') });
    expect(regions()).toEqual(['eu-west-1']);
  });

  it('follows the precedence of the AWS CLI: remote.NAME.region, AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1', async () => {
    const { repo } = await fx.setup();
    // An explicit profile takes its keys from the files, as in the CLI.
    const files = awsFiles('[default]\nregion = from-default\n[profile team]\nregion = from-team\n', '[team]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n');
    const regionOf = async (extra: NodeJS.ProcessEnv) => {
      fx.proxy.reset();
      await fx.ok(repo, ['status', '--remote'], { ...noRegion, ...extra });
      return signedRegion(fx.proxy.requests[0]);
    };
    expect(await regionOf({})).toBe('us-east-1');
    expect(await regionOf(files)).toBe('from-default');
    expect(await regionOf({ ...files, AWS_PROFILE: 'team' })).toBe('from-team');
    expect(await regionOf({ ...files, AWS_DEFAULT_PROFILE: 'team' })).toBe('from-team');
    expect(await regionOf({ ...files, AWS_DEFAULT_REGION: 'from-env-default' })).toBe('from-env-default');
    expect(await regionOf({ ...files, AWS_DEFAULT_REGION: 'from-env-default', AWS_REGION: 'from-env' })).toBe('from-env');
    await fx.ok(repo, ['remote', 'modify', 's3', 'profile', 'team']);
    expect(await regionOf(files)).toBe('from-team');
    await fx.ok(repo, ['remote', 'modify', 's3', 'region', 'from-remote']);
    expect(await regionOf({ ...files, AWS_REGION: 'from-env' })).toBe('from-remote');
  });

  it('a 400 with x-amz-bucket-region (HEAD, no body): dvd switches to the bucket region once and finishes', async () => {
    // 30 files at the top: their presence checks are the first requests, all in flight together.
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}.bin`, seededBytes(50 + i, 700)]));
    const { repo } = await fx.setup({ files });
    fx.proxy.rule = bucketLivesIn('ap-south-1', 400);
    await fx.ok(repo, ['push'], noRegion);
    expect(regions()).toEqual(['us-east-1', 'ap-south-1']);
    // Only the first wave went to the wrong region.
    expect(fx.proxy.requests.filter((q) => signedRegion(q) === 'us-east-1').length).toBeLessThanOrEqual(32);
    fx.proxy.reset();
    fx.proxy.rule = bucketLivesIn('ap-south-1', 400);
    const other = fx.clone(repo);
    await fx.ok(other, ['pull'], noRegion);
    for (const f of Object.keys(files)) expect(fs.readFileSync(path.join(other, f)).equals(files[f]), f).toBe(true);
    expect(regions()).toEqual(['us-east-1', 'ap-south-1']);
    expect(fx.proxy.requests.filter((q) => signedRegion(q) === 'us-east-1').length).toBeLessThanOrEqual(32);
  });

  it('a 301 PermanentRedirect from a regional endpoint is followed the same way', async () => {
    const { repo } = await fx.setup();
    fx.proxy.rule = bucketLivesIn('eu-central-1', 301);
    await fx.ok(repo, ['push'], { ...noRegion, AWS_REGION: 'us-west-2' });
    expect(regions()).toEqual(['us-west-2', 'eu-central-1']);
    expect(fx.proxy.requests.filter((q) => signedRegion(q) === 'us-west-2')).toHaveLength(1);
  });
});

describe('profiles and credentials', { timeout: 240_000 }, () => {
  const files = () =>
    awsFiles('[default]\nregion = us-east-1\n[profile team]\nregion = us-east-1\n', '[team]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n');
  const noEnvKeys = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' };

  it('credentials of the remote profile come from ~/.aws/credentials', async () => {
    const { repo } = await fx.setup();
    await fx.ok(repo, ['remote', 'modify', 's3', 'profile', 'team']);
    await fx.ok(repo, ['push'], { ...noEnvKeys, ...files() });
  });

  it('a mistyped profile is named, with the file it was looked for in and the profiles that exist', async () => {
    const { repo } = await fx.setup();
    const f = files();
    await fx.ok(repo, ['remote', 'modify', 's3', 'profile', 'taem']);
    const r = await fx.run(repo, ['push'], { ...noEnvKeys, ...f });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: remote s3: AWS profile "taem" (remote.s3.profile) is not in ${f.AWS_CONFIG_FILE} or ${f.AWS_SHARED_CREDENTIALS_FILE}`);
    expect(r.stderr).toContain('hint: profiles there: default, team (did you mean "team"?)');
    expect(fx.proxy.count()).toBe(0);
    await fx.ok(repo, ['remote', 'modify', '--unset', 's3', 'profile']);
    const env = await fx.run(repo, ['push'], { ...noEnvKeys, ...f, AWS_PROFILE: 'nope' });
    expect(env.code).toBe(1);
    expect(env.stderr).toContain(`AWS profile "nope" (AWS_PROFILE) is not in ${f.AWS_CONFIG_FILE} or ${f.AWS_SHARED_CREDENTIALS_FILE}`);
  });

  it('as with the AWS CLI, keys in the environment win over AWS_PROFILE but not over an explicit profile', async () => {
    const { repo } = await fx.setup();
    const f = awsFiles('[profile team]\nregion = us-east-1\n', '[team]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n');
    await fx.ok(repo, ['status', '--remote'], { ...f, AWS_PROFILE: 'team' });
    await fx.ok(repo, ['remote', 'modify', 's3', 'profile', 'team']);
    const r = await fx.run(repo, ['status', '--remote'], f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected the credentials \(InvalidAccessKeyId\)/);
  });
});

describe('HTTP(S)_PROXY, NO_PROXY and AWS_CA_BUNDLE', { timeout: 240_000 }, () => {
  let fwd: ForwardProxy;
  let tls: FaultProxy;
  let certs: TestCerts;
  let certDir: string;
  beforeAll(async () => {
    fwd = await startForwardProxy();
    certDir = tempDir('dvd-certs-');
    certs = makeTestCerts(certDir);
    tls = await startFaultProxy(fx.s3.port, { tls: certs });
  });
  afterAll(async () => {
    await fwd?.stop();
    await tls?.stop();
    fs.rmSync(certDir, { recursive: true, force: true });
  });
  const noProxyEnv = { HTTP_PROXY: undefined, HTTPS_PROXY: undefined, NO_PROXY: undefined, http_proxy: undefined, https_proxy: undefined, no_proxy: undefined };

  it('an http endpoint goes through HTTP_PROXY (or http_proxy) unless NO_PROXY names its host', async () => {
    const { repo } = await fx.setup({ endpoint: fx.s3.endpoint });
    const host = new URL(fx.s3.endpoint).host;
    await fx.ok(repo, ['push'], { ...noProxyEnv, HTTP_PROXY: fwd.url });
    expect(fwd.seen.filter((s) => s.startsWith(`PUT http://${host}/awssetup/`))).toHaveLength(1);
    const before = fwd.seen.length;
    await fx.ok(repo, ['status', '--remote'], { ...noProxyEnv, http_proxy: fwd.url });
    expect(fwd.seen.length).toBeGreaterThan(before);
    for (const noProxy of ['127.0.0.1', `example.com, ${host}`, '*']) {
      const n = fwd.seen.length;
      await fx.ok(repo, ['status', '--remote'], { ...noProxyEnv, HTTP_PROXY: fwd.url, NO_PROXY: noProxy });
      expect(fwd.seen.length, noProxy).toBe(n);
    }
    // HTTPS_PROXY is for https endpoints only.
    const n = fwd.seen.length;
    await fx.ok(repo, ['status', '--remote'], { ...noProxyEnv, HTTPS_PROXY: fwd.url });
    expect(fwd.seen.length).toBe(n);
  });

  it('an https endpoint signed by a private CA: refused with a hint, then trusted through AWS_CA_BUNDLE or ca_bundle, also through an HTTPS_PROXY tunnel', async () => {
    const { repo } = await fx.setup({ endpoint: tls.endpoint });
    const r = await fx.run(repo, ['push'], { ...noProxyEnv, AWS_CA_BUNDLE: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot reach remote s3 (s3://awssetup/`);
    expect(r.stderr).toMatch(/its TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\)/);
    expect(r.stderr).toContain('hint: if a private or corporate CA signed it, point AWS_CA_BUNDLE (or ca_bundle in ~/.aws/config) at its PEM file');

    await fx.ok(repo, ['status', '--remote'], { ...noProxyEnv, AWS_CA_BUNDLE: certs.caFile });
    await fx.ok(repo, ['status', '--remote'], { ...noProxyEnv, AWS_CA_BUNDLE: undefined, ...awsFiles(`[default]\nca_bundle = ${certs.caFile}\n`) });
    // The variable wins over the file, as in the CLI.
    const both = await fx.run(repo, ['status', '--remote'], { ...noProxyEnv, AWS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt', ...awsFiles(`[default]\nca_bundle = ${certs.caFile}\n`) });
    expect(both.code).toBe(1);

    await fx.ok(repo, ['push'], { ...noProxyEnv, AWS_CA_BUNDLE: certs.caFile, HTTPS_PROXY: fwd.url });
    expect(fwd.seen).toContain(`CONNECT 127.0.0.1:${tls.port}`);
  });

  it('an AWS_CA_BUNDLE or ca_bundle that cannot be read is named', async () => {
    const { repo } = await fx.setup({ endpoint: tls.endpoint });
    const r = await fx.run(repo, ['push'], { AWS_CA_BUNDLE: '/nonexistent/ca.pem' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: remote s3: cannot read the CA bundle /nonexistent/ca.pem (AWS_CA_BUNDLE): ENOENT');
    const f = awsFiles('[default]\nca_bundle = /nonexistent/corp.pem\n');
    const r2 = await fx.run(repo, ['push'], { AWS_CA_BUNDLE: undefined, ...f });
    expect(r2.stderr).toContain(`error: remote s3: cannot read the CA bundle /nonexistent/corp.pem (ca_bundle of profile "default" in ${f.AWS_CONFIG_FILE}): ENOENT`);
  });
});
