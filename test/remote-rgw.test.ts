import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dvdAsync, dvdAsyncOk } from './dvdAsync.js';
import { clockOff, hasFaketime } from './faketime.js';
import { cloneRepo, git, seededBytes, tempRepo, treeHashes, writeFiles } from './helpers.js';
import { startRgw, type RgwHandle } from './rgw/rgw.js';

// Against a real Ceph RADOS Gateway (a throwaway memstore cluster, test/rgw/): the
// cases where a real store's answers matter - its signature-time check, HEAD answers
// without bodies, multipart and the bucket root. Run with `npm run test:rgw` (needs
// ceph-mon, ceph-osd, radosgw and faketime from Debian; .ci/run installs them).

const enabled = process.env.DVD_RGW === '1';
let rgw: RgwHandle;
const cleanup: string[] = [];

beforeAll(async () => {
  if (!enabled) return;
  rgw = startRgw();
  for (const b of ['dvd-rgw', 'dvd-root']) await rgw.createBucket(b);
}, 120_000);
afterAll(() => rgw?.stop());
afterEach(() => {
  for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => dvdAsync(cwd, args, { ...rgw.env, ...env }, 120_000);
const ok = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => dvdAsyncOk(cwd, args, { ...rgw.env, ...env }, 120_000);

async function setup(url: string, files: Record<string, Buffer>, settings: Record<string, string> = {}) {
  const repo = tempRepo();
  cleanup.push(repo);
  writeFiles(repo, files);
  await ok(repo, ['add', ...new Set(Object.keys(files).map((p) => p.split('/')[0]))]);
  await ok(repo, ['remote', 'add', '-d', 'rgw', url]);
  await ok(repo, ['remote', 'modify', 'rgw', 'endpoint', rgw.endpoint]);
  for (const [k, v] of Object.entries(settings)) await ok(repo, ['remote', 'modify', 'rgw', k, v]);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  return repo;
}

function clone(repo: string): string {
  const dir = cloneRepo(repo);
  cleanup.push(path.dirname(dir)); // cloneRepo clones into a folder of its own temp dir
  return dir;
}

const FILES = (() => {
  const f: Record<string, Buffer> = { 'big.bin': seededBytes(7, 12 * 1024 * 1024 + 5) };
  for (let i = 0; i < 40; i++) f[`data/sub dir/f+${i}.bin`] = seededBytes(100 + i, 1000 + i * 37);
  return f;
})();

describe.runIf(enabled)('Ceph RADOS Gateway', { timeout: 240_000 }, () => {
  it('push and pull: multipart, odd key characters, exact bytes', async () => {
    const repo = await setup('s3://dvd-rgw/project', FILES, { multipart_threshold: '5MiB', multipart_chunksize: '5MiB' });
    await ok(repo, ['push']);
    const other = clone(repo);
    await ok(other, ['pull']);
    expect(fs.readFileSync(path.join(other, 'big.bin')).equals(FILES['big.bin'])).toBe(true);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  });

  it('the bucket root (s3://BUCKET) end to end', async () => {
    const repo = await setup('s3://dvd-root', { 'a.bin': seededBytes(1, 5000) });
    await ok(repo, ['push']);
    const other = clone(repo);
    await ok(other, ['pull']);
    expect(fs.readFileSync(path.join(other, 'a.bin')).equals(fs.readFileSync(path.join(repo, 'a.bin')))).toBe(true);
  });

  it.runIf(hasFaketime)('with the clock 20 minutes behind or ahead, the offset correction gets its retry', async () => {
    for (const offset of ['-20m', '+20m']) {
      const repo = await setup(`s3://dvd-rgw/clock${offset}`, { 'a.bin': seededBytes(offset.length + offset.charCodeAt(0), 3000) });
      await ok(repo, ['push'], clockOff(offset));
      const other = clone(repo);
      await ok(other, ['pull'], clockOff(offset));
      expect(fs.readFileSync(path.join(other, 'a.bin')).equals(fs.readFileSync(path.join(repo, 'a.bin')))).toBe(true);
    }
  });

  it('a bucket that does not exist: status --remote, push and fetch all say so, exit 1', async () => {
    const repo = await setup('s3://no-such-bucket/x', { 'a.bin': seededBytes(2, 100) });
    const other = clone(repo);
    for (const [dir, cmd] of [[repo, ['status', '--remote']], [repo, ['push']], [other, ['fetch']]] as const) {
      const r = await run(dir, [...cmd]);
      expect(r.code, cmd.join(' ')).toBe(1);
      expect(r.stderr, cmd.join(' ')).toContain(`error: the bucket of remote rgw (s3://no-such-bucket/x at ${rgw.endpoint}) does not exist`);
    }
  });

  it('a wrong secret: the HEAD 403 is explained by a listing (SignatureDoesNotMatch)', async () => {
    const repo = await setup('s3://dvd-rgw/secret', { 'a.bin': seededBytes(3, 100) });
    const r = await run(repo, ['push'], { AWS_SECRET_ACCESS_KEY: 'WRONG' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: remote rgw (s3://dvd-rgw/secret at ${rgw.endpoint}) rejected the credentials (SignatureDoesNotMatch)`);
  });
});
