import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './faultProxy.js';
import { dvdAsync, dvdAsyncOk } from './dvdAsync.js';
import { cloneRepo, DVD_BIN, git, seededBytes, storedOids, tempDir, tempRepo, treeHashes, watchExit, writeFiles } from './helpers.js';
import { bucketKeys, startS3rver, type S3rverHandle } from './s3rver.js';

// End to end against a real S3 endpoint (s3rver over HTTP), through a pass-through
// proxy that counts requests.

let s3: S3rverHandle;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
const cleanup: string[] = [];
let prefixN = 0;

beforeAll(async () => {
  s3 = await startS3rver();
  proxy = await startFaultProxy(s3.port);
  env = { ...s3.env, DVD_BACKOFF_MS: '5' };
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});
afterEach(() => {
  proxy.reset();
  for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const run = (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => dvdAsync(cwd, args, { ...env, ...extraEnv });
const ok = (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => dvdAsyncOk(cwd, args, { ...env, ...extraEnv });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A committed repo whose default remote is a fresh prefix of the s3rver bucket, via the proxy. */
async function setup(files: Record<string, string | Buffer>, targets: string[], remoteSettings: Record<string, string> = {}) {
  const repo = tempRepo();
  cleanup.push(repo);
  writeFiles(repo, files);
  await ok(repo, ['add', ...targets]);
  const prefix = `t${++prefixN}`;
  await ok(repo, ['remote', 'add', '-d', 's3', `s3://${s3.bucket}/${prefix}`]);
  await ok(repo, ['remote', 'modify', 's3', 'endpoint', proxy.endpoint]);
  for (const [k, v] of Object.entries(remoteSettings)) await ok(repo, ['remote', 'modify', 's3', k, v]);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  return { repo, prefix };
}

/** A HOME without ~/.aws, removed after the test. */
function emptyHome(): string {
  const d = tempDir('dvd-home-');
  cleanup.push(d);
  return d;
}

function clone(repo: string): string {
  const dir = cloneRepo(repo);
  cleanup.push(path.dirname(dir)); // cloneRepo clones into a folder of its own temp dir
  return dir;
}

const manyFiles = (n: number, dir: string, seed = 1000) => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < n; i++) files[`${dir}/f${String(i).padStart(4, '0')}.bin`] = seededBytes(seed + i, 500 + (i % 50) * 100);
  return files;
};

/** The objects in the bucket under prefix: key, the oid the key names, and s3rver's file of it. */
function bucketObjects(prefix: string): { key: string; oid: string; file: string }[] {
  return bucketKeys(s3)
    .filter((k) => k.startsWith(`${prefix}/sha256/`))
    .map((key) => ({ key, oid: key.split('/').slice(-2).join(''), file: path.join(s3.dir, s3.bucket, `${key}._S3rver_object`) }));
}

/**
 * expectBucketObjectsWhole once s3rver has settled after a killed client: s3rver writes an
 * object's file as the body arrives, so for a moment after the kill an upload still being
 * torn down can show as an empty file (seen once in a full run). Real S3 never shows an
 * object before its upload completes; an object still not whole after 5 s fails.
 */
async function settledBucketObjects(prefix: string): Promise<string[]> {
  const whole = () => bucketObjects(prefix).every((o) => !fs.existsSync(o.file) || sha(fs.readFileSync(o.file)) === o.oid);
  for (let i = 0; i < 50 && !whole(); i++) await new Promise((r) => setTimeout(r, 100));
  return expectBucketObjectsWhole(prefix);
}

/** Every object in the bucket under prefix is stored whole (its bytes hash to its key); returns their sorted oids. */
function expectBucketObjectsWhole(prefix: string): string[] {
  const oids: string[] = [];
  for (const o of bucketObjects(prefix)) {
    expect(sha(fs.readFileSync(o.file)), o.key).toBe(o.oid);
    oids.push(o.oid);
  }
  return oids.sort();
}

/**
 * The oids of the objects the proxy answered `method` requests for, one entry per answer,
 * sorted. An attempt that got no answer because the test servers lost its forwarded
 * request (upstreamFailed) was retried by dvd and is not a second transfer; any other
 * unanswered request is dvd's and fails here.
 */
function answeredObjects(method: string): string[] {
  const mine = proxy.requests.filter((q) => q.method === method);
  expect(mine.filter((q) => !q.answered && !q.upstreamFailed).map((q) => q.url)).toEqual([]);
  return mine
    .filter((q) => q.answered)
    .map((q) => {
      const m = /\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})(?:\?|$)/.exec(q.url);
      expect(m, q.url).not.toBeNull();
      return m![1] + m![2];
    })
    .sort();
}

describe('S3 remote (s3rver)', { timeout: 240_000 }, () => {
  it('push many small files and a multipart object; pull in a clone gives the exact bytes', async () => {
    const big = seededBytes(77, 13 * 1024 * 1024 + 12345);
    const { repo, prefix } = await setup({ ...manyFiles(150, 'data'), 'big.bin': big }, ['data', 'big.bin'], {
      multipart_threshold: '5MiB',
      multipart_chunksize: '5MiB',
    });
    const r = JSON.parse((await ok(repo, ['push', '--json'])).stdout);
    expect(r.uploaded).toBe(152);
    // The large object went up in parts.
    expect(proxy.requests.filter((q) => q.method === 'PUT' && /partNumber=/.test(q.url))).toHaveLength(3);
    expect(expectBucketObjectsWhole(prefix)).toHaveLength(152);

    proxy.reset();
    const other = clone(repo);
    await ok(other, ['pull']);
    expect(fs.readFileSync(path.join(other, 'big.bin')).equals(big)).toBe(true);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
    // ...and came down as parallel byte ranges.
    expect(proxy.requests.filter((q) => q.method === 'GET' && q.headers.range)).toHaveLength(3);
  });

  it('a no-op push costs one request per directory and per file pointer, none for the data', async () => {
    const { repo } = await setup({ ...manyFiles(400, 'imgs'), 'a.bin': seededBytes(1, 100), 'b.bin': seededBytes(2, 100) }, ['imgs', 'a.bin', 'b.bin']);
    await ok(repo, ['push']);
    proxy.reset();
    const r = JSON.parse((await ok(repo, ['push', '--json'])).stdout);
    expect(r.uploaded).toBe(0);
    expect(r.alreadyPresent).toBe(403);
    // One HEAD for the directory's manifest (present => the whole directory is), one per file.
    expect(proxy.count()).toBe(3);
    expect(proxy.count('PUT')).toBe(0);
  });

  it('status --remote and fetch of one target', async () => {
    const { repo } = await setup({ ...manyFiles(20, 'a'), ...manyFiles(30, 'b', 5000) }, ['a', 'b']);
    await ok(repo, ['push', 'a']);
    const st = JSON.parse((await ok(repo, ['status', '--remote', '--json'])).stdout);
    const by = Object.fromEntries(st.pointers.map((p: { pointerFile: string }) => [p.pointerFile, p]));
    expect(by['a.dvd']).toMatchObject({ notPushed: 0, onRemote: 21 });
    expect(by['b.dvd']).toMatchObject({ notPushed: 31, onRemote: 0 });
    await ok(repo, ['push']);
    const other = clone(repo);
    const f = JSON.parse((await ok(other, ['fetch', 'b', '--json'])).stdout);
    expect(f.downloaded).toBe(31);
    expect(f.complete).toEqual(['b.dvd']);
    const st2 = JSON.parse((await ok(other, ['status', '--remote', '--json'])).stdout);
    const by2 = Object.fromEntries(st2.pointers.map((p: { pointerFile: string }) => [p.pointerFile, p]));
    expect(by2['a.dvd']).toMatchObject({ notFetched: 1, missing: 0 });
    expect(by2['b.dvd']).toMatchObject({ notFetched: 0, missing: 0, notPushed: 0 });
  });

  it('an interrupted pull keeps only whole objects and the next pull fetches the rest', async () => {
    const { repo } = await setup(manyFiles(800, 'data'), ['data']);
    await ok(repo, ['push']);
    const all = storedOids(path.join(repo, '.dvd/cache'));
    expect(all).toHaveLength(801);
    const other = clone(repo);
    const cache = path.join(other, '.dvd/cache');
    const child = spawn(process.execPath, [DVD_BIN, 'pull', '-j', '2'], { cwd: other, env: { ...process.env, ...env }, stdio: 'ignore' });
    const exit = watchExit(child);
    for (let i = 0; i < 1000 && storedOids(cache).length < 100 && !exit.exited(); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exit.done;
    const kept = storedOids(cache);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(801);
    for (const oid of kept) expect(sha(fs.readFileSync(path.join(cache, 'sha256', oid.slice(0, 2), oid.slice(2))))).toBe(oid);
    // Every request of the killed pull reached the proxy before its exit was seen (libuv
    // runs child-exit watchers after the socket reads of the same poll), so from here on
    // the proxy sees the second pull alone.
    proxy.reset();
    const second = await ok(other, ['pull', '--json']);
    const r = JSON.parse(second.stdout);
    const missing = all.filter((oid) => !kept.includes(oid));
    expect(r.fetch.downloaded).toBe(missing.length);
    // Exactly the objects the killed pull had not installed, each answered once: nothing
    // cached is fetched again and nothing twice (answeredObjects says which GETs count).
    expect(answeredObjects('GET')).toEqual(missing);
    expect(second.stderr).toBe('');
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  });

  it('an interrupted push resumes: the next push sends only what is missing', async () => {
    const { repo, prefix } = await setup(manyFiles(1500, 'data'), ['data']);
    const all = storedOids(path.join(repo, '.dvd/cache'));
    expect(all).toHaveLength(1501);
    const child = spawn(process.execPath, [DVD_BIN, 'push', '-j', '2'], { cwd: repo, env: { ...process.env, ...env }, stdio: 'ignore' });
    const exit = watchExit(child);
    for (let i = 0; i < 1000 && proxy.count('PUT') < 100 && !exit.exited(); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exit.done;
    const partial = await settledBucketObjects(prefix);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(1500);
    proxy.reset();
    const r = JSON.parse((await ok(repo, ['push', '--json'])).stdout);
    const missing = all.filter((oid) => !partial.includes(oid));
    expect(r.uploaded).toBe(missing.length);
    expect(answeredObjects('PUT')).toEqual(missing);
    expect(expectBucketObjectsWhole(prefix)).toEqual(all);
  });
});

describe('S3 errors a user can act on', { timeout: 240_000 }, () => {
  it('unknown access key', async () => {
    const { repo } = await setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    const r = await run(repo, ['push'], { AWS_ACCESS_KEY_ID: 'WRONG' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected the credentials \(InvalidAccessKeyId\)/);
    expect(r.stderr).toMatch(/hint: check the access key/);
  });

  it('no such bucket', async () => {
    const { repo } = await setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    await ok(repo, ['remote', 'modify', 's3', 'url', 's3://no-such-bucket/x']);
    const r = await run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the bucket of remote s3 \(s3:\/\/no-such-bucket\/x at http:\/\/127\.0\.0\.1:\d+\) does not exist/);
  });

  it('endpoint unreachable', async () => {
    const { repo } = await setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    await ok(repo, ['remote', 'modify', 's3', 'endpoint', 'http://127.0.0.1:1']);
    const r = await run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach remote s3 .*ECONNREFUSED/);
    expect(r.stderr).toMatch(/hint: check the endpoint/);
  });

  it('no credentials at all', async () => {
    const { repo } = await setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    const r = await run(repo, ['push'], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true', HOME: emptyHome() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no AWS credentials found for remote s3/);
  });

  it('credentials from .dvd/config.local work; secrets are refused in the committed .dvd/config', async () => {
    const { repo } = await setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    const noEnvCreds = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true', HOME: emptyHome() };
    const refused = await run(repo, ['remote', 'modify', 's3', 'secret_access_key', 'S3RVER']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is a secret and \.dvd\/config is committed/);
    expect((await run(repo, ['config', 'remote.s3.access_key_id', 'S3RVER'])).code).toBe(2);
    await ok(repo, ['remote', 'modify', '--local', 's3', 'access_key_id', 'S3RVER']);
    await ok(repo, ['remote', 'modify', '--local', 's3', 'secret_access_key', 'S3RVER']);
    expect(fs.readFileSync(path.join(repo, '.dvd/config'), 'utf8')).not.toMatch(/S3RVER/);
    expect(fs.readFileSync(path.join(repo, '.dvd/config.local'), 'utf8')).toMatch(/secret_access_key = S3RVER/);
    const r = await ok(repo, ['push', '--json'], noEnvCreds);
    expect(JSON.parse(r.stdout).uploaded).toBe(1);
    // A secret smuggled into .dvd/config by hand is refused before any request.
    fs.appendFileSync(path.join(repo, '.dvd/config'), '[remote "s3"]\n\tsecret_access_key = S3RVER\n');
    const bad = await run(repo, ['push']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\.dvd\/config holds remote\.s3\.secret_access_key/);
  });
});
