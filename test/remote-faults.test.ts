import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dvdAsync, dvdAsyncOk } from './dvdAsync.js';
import { startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from './faultProxy.js';
import { cloneRepo, git, seededBytes, tempRepo, treeHashes, writeFiles } from './helpers.js';
import { bucketKeys, startS3rver, type S3rverHandle } from './s3rver.js';

// A fault-injecting proxy between dvd and s3rver proves the retry and integrity paths
// over real sockets. Every scenario must end with the exact bytes, or a clear error and
// nothing corrupt in the cache or the workspace.

let s3: S3rverHandle;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
const cleanup: string[] = [];
let prefixN = 0;

beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'faults' });
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

const run = (cwd: string, args: string[]) => dvdAsync(cwd, args, env);
const ok = (cwd: string, args: string[]) => dvdAsyncOk(cwd, args, env);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const isObject = (r: SeenRequest) => /\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}/.test(r.url);

/** Fault each matching request the first time its URL is seen; later attempts pass. */
function firstTime(match: (r: SeenRequest) => boolean, fault: Fault) {
  const seen = new Set<string>();
  return (r: SeenRequest): Fault | null => {
    if (!match(r) || seen.has(`${r.method} ${r.url}`)) return null;
    seen.add(`${r.method} ${r.url}`);
    return fault;
  };
}

const FILES = (() => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 30; i++) files[`data/f${i}.bin`] = seededBytes(300 + i, 2000 + i * 97);
  files['one.bin'] = seededBytes(9, 40_000);
  return files;
})();

async function setup(settings: Record<string, string> = {}, files: Record<string, Buffer> = FILES) {
  const repo = tempRepo();
  cleanup.push(repo);
  writeFiles(repo, files);
  await ok(repo, ['add', ...new Set(Object.keys(files).map((f) => f.split('/')[0]))]);
  const prefix = `f${++prefixN}`;
  await ok(repo, ['remote', 'add', '-d', 's3', `s3://${s3.bucket}/${prefix}`]);
  await ok(repo, ['remote', 'modify', 's3', 'endpoint', proxy.endpoint]);
  for (const [k, v] of Object.entries(settings)) await ok(repo, ['remote', 'modify', 's3', k, v]);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  return { repo, prefix };
}

function clone(repo: string): string {
  const dir = cloneRepo(repo);
  cleanup.push(path.dirname(dir)); // cloneRepo clones into a folder of its own temp dir
  return dir;
}

/** Every object stored under the prefix is whole (hashes to its key); returns how many. */
function bucketWhole(prefix: string): number {
  const keys = bucketKeys(s3).filter((k) => k.startsWith(`${prefix}/sha256/`));
  for (const k of keys) expect(sha(fs.readFileSync(path.join(s3.dir, s3.bucket, `${k}._S3rver_object`))), k).toBe(k.split('/').slice(-2).join(''));
  return keys.length;
}

/** Every object in a clone's cache is whole, and no temp file was left behind. */
function cacheWhole(dir: string): number {
  const cache = path.join(dir, '.dvd/cache/sha256');
  let n = 0;
  if (fs.existsSync(cache)) {
    for (const d of fs.readdirSync(cache)) {
      for (const f of fs.readdirSync(path.join(cache, d))) {
        expect(sha(fs.readFileSync(path.join(cache, d, f)))).toBe(d + f);
        n++;
      }
    }
  }
  const tmp = path.join(dir, '.dvd/tmp');
  expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  return n;
}

async function pushCleanly(repo: string, prefix: string) {
  await ok(repo, ['push']);
  expect(bucketWhole(prefix)).toBe(32);
}

async function pullAndCompare(repo: string) {
  const other = clone(repo);
  await ok(other, ['pull']);
  expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  expect(fs.readFileSync(path.join(other, 'one.bin')).equals(FILES['one.bin'])).toBe(true);
  expect(cacheWhole(other)).toBe(32);
  return other;
}

describe('faults between dvd and S3', { timeout: 240_000 }, () => {
  it('500 InternalError on the first attempt of every upload: push retries and succeeds', async () => {
    const { repo, prefix } = await setup();
    proxy.rule = firstTime((r) => r.method === 'PUT' && isObject(r), { kind: 'status', status: 500, code: 'InternalError' });
    await pushCleanly(repo, prefix);
    expect(proxy.count('PUT')).toBe(64);
    proxy.reset();
    await pullAndCompare(repo);
  });

  it('503 SlowDown (with Retry-After) on listings, HEADs and downloads: everything still arrives', async () => {
    const { repo, prefix } = await setup();
    proxy.rule = firstTime(() => true, { kind: 'status', status: 503, code: 'SlowDown', retryAfter: 0 });
    await pushCleanly(repo, prefix);
    proxy.rule = firstTime((r) => r.method === 'GET', { kind: 'status', status: 503, code: 'SlowDown', retryAfter: 0 });
    await pullAndCompare(repo);
    expect(proxy.requests.filter((r) => r.method === 'GET' && isObject(r)).length).toBe(64);
  });

  it('connection reset in the middle of an upload body: push retries; the remote holds only whole objects', async () => {
    const { repo, prefix } = await setup();
    proxy.rule = firstTime((r) => r.method === 'PUT' && isObject(r), { kind: 'reset-request', after: 1000 });
    await pushCleanly(repo, prefix);
  });

  it('connection reset in the middle of a download body: pull retries and gets the exact bytes', async () => {
    const { repo, prefix } = await setup();
    await pushCleanly(repo, prefix);
    proxy.rule = firstTime((r) => r.method === 'GET' && isObject(r), { kind: 'reset', after: 500 });
    await pullAndCompare(repo);
  });

  it('a truncated download body: pull retries and gets the exact bytes', async () => {
    const { repo, prefix } = await setup();
    await pushCleanly(repo, prefix);
    proxy.rule = firstTime((r) => r.method === 'GET' && isObject(r), { kind: 'truncate', after: 700 });
    await pullAndCompare(repo);
  });

  it('flipped bytes once: the hash check rejects the copy, the retry gets the exact bytes', async () => {
    const { repo, prefix } = await setup();
    await pushCleanly(repo, prefix);
    proxy.rule = firstTime((r) => r.method === 'GET' && isObject(r), { kind: 'flip' });
    await pullAndCompare(repo);
  });

  it('flipped bytes every time: a clear error naming object and remote, nothing corrupt anywhere, the rest arrives', async () => {
    const { repo, prefix } = await setup();
    await pushCleanly(repo, prefix);
    const oneOid = sha(FILES['one.bin']);
    proxy.rule = (r) => (r.method === 'GET' && r.url.includes(oneOid.slice(2)) ? { kind: 'flip' } : null);
    const other = clone(repo);
    const r = await run(other, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256:${oneOid} (one.bin.dvd): remote s3 (s3://faults/${prefix} at ${proxy.endpoint}) sent corrupt data: expected sha256:${oneOid}, got sha256:`);
    expect(r.stderr).toMatch(/after 40000 bytes written/);
    expect(fs.existsSync(path.join(other, '.dvd/cache/sha256', oneOid.slice(0, 2), oneOid.slice(2)))).toBe(false);
    expect(fs.existsSync(path.join(other, 'one.bin'))).toBe(false);
    expect(cacheWhole(other)).toBe(31);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  });

  it('a 500 that never stops: the object is reported with its pointer after the retries, the rest arrives', async () => {
    const { repo, prefix } = await setup();
    await pushCleanly(repo, prefix);
    const bad = sha(FILES['data/f7.bin']);
    proxy.rule = (r) => (r.method === 'GET' && r.url.includes(bad.slice(2)) ? { kind: 'status', status: 500, code: 'InternalError' } : null);
    const other = clone(repo);
    const r = await run(other, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256:${bad} (data.dvd: f7.bin)`);
    expect(r.stderr).toMatch(/InternalError/);
    // Five attempts (DVD_RETRIES default), then it gave up on that object only.
    expect(proxy.requests.filter((q) => q.method === 'GET' && q.url.includes(bad.slice(2))).length).toBe(5);
    expect(fs.readFileSync(path.join(other, 'one.bin')).equals(FILES['one.bin'])).toBe(true);
    expect(fs.existsSync(path.join(other, 'data'))).toBe(false);
    expect(cacheWhole(other)).toBe(31);
    // The fault clears; the next pull fetches only that object.
    proxy.reset();
    await ok(other, ['pull']);
    expect(proxy.count('GET')).toBe(1);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  });

  it('multipart: a part upload reset and a ranged download truncated, both retried; exact bytes', async () => {
    const big = seededBytes(4242, 11 * 1024 * 1024 + 3);
    const files = { 'big.bin': big };
    const { repo, prefix } = await setup({ multipart_threshold: '5MiB', multipart_chunksize: '5MiB' }, files);
    proxy.rule = firstTime((r) => r.method === 'PUT' && /partNumber=2/.test(r.url), { kind: 'reset-request', after: 100_000 });
    await ok(repo, ['push']);
    expect(bucketWhole(prefix)).toBe(1);
    proxy.reset();
    proxy.rule = firstTime((r) => r.method === 'GET' && r.headers.range === 'bytes=5242880-10485759', { kind: 'truncate', after: 1000 });
    const other = clone(repo);
    await ok(other, ['pull']);
    expect(fs.readFileSync(path.join(other, 'big.bin')).equals(big)).toBe(true);
    expect(cacheWhole(other)).toBe(1);
    expect(proxy.requests.filter((r) => r.headers.range === 'bytes=5242880-10485759')).toHaveLength(2);
  });
});
