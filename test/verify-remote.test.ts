import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvdAsync, dvdAsyncOk } from './dvdAsync.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';
import { tempDir, tempRepo, writeFiles } from './helpers.js';

// `dvd verify --remote` downloads and re-hashes every object; damage made on the
// store's own disk (behind its back) must be found, named, and nothing else flagged.
describe('dvd verify --remote', { timeout: 120_000 }, () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: 'verify' });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  function oidOf(repo: string, pointer: string): string {
    return /sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(repo, pointer), 'utf8'))![1];
  }

  it('finds a damaged object on a folder remote', async () => {
    const repo = tempRepo();
    const store = tempDir();
    writeFiles(repo, { 'a.bin': 'alpha', 'data/x': 'x', 'data/y': 'y' });
    await dvdAsyncOk(repo, ['add', 'a.bin', 'data']);
    await dvdAsyncOk(repo, ['remote', 'add', '-d', 'store', store]);
    await dvdAsyncOk(repo, ['push']);
    expect((await dvdAsyncOk(repo, ['verify', '--remote'])).stdout).toMatch(/^verified 4 objects \([0-9.]+ (B|KiB)\) on store: 0 damaged\n$/);
    const oid = oidOf(repo, 'a.bin.dvd');
    const onRemote = path.join(store, 'sha256', oid.slice(0, 2), oid.slice(2));
    fs.chmodSync(onRemote, 0o644);
    fs.writeFileSync(onRemote, 'alphx');
    const r = await dvdAsync(repo, ['verify', '--remote', 'store', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.checked).toBe(4);
    expect(j.damaged).toHaveLength(1);
    expect(j.damaged[0].oid).toBe(oid);
    // The local cache is untouched and still good.
    expect((await dvdAsyncOk(repo, ['verify'])).stdout).toMatch(/: 0 damaged\n$/);
    expect(fs.readdirSync(path.join(repo, '.dvd/tmp'))).toEqual([]);
  });

  it('finds a damaged object on S3 (s3rver)', async () => {
    const repo = tempRepo();
    writeFiles(repo, { 'm.bin': 'model', 'n.bin': 'other' });
    await dvdAsyncOk(repo, ['add', 'm.bin', 'n.bin']);
    await dvdAsyncOk(repo, ['remote', 'add', '-d', 's3', `s3://${s3.bucket}/p`]);
    await dvdAsyncOk(repo, ['remote', 'modify', 's3', 'endpoint', s3.endpoint], s3.env);
    await dvdAsyncOk(repo, ['push'], s3.env);
    const oid = oidOf(repo, 'm.bin.dvd');
    const file = path.join(s3.dir, s3.bucket, 'p', 'sha256', oid.slice(0, 2), `${oid.slice(2)}._S3rver_object`);
    fs.writeFileSync(file, 'modeL');
    const r = await dvdAsync(repo, ['verify', '-r', 's3'], s3.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`damaged on s3: sha256:${oid}`);
    expect(r.stdout).toBe('verified 2 objects (10 B) on s3: 1 damaged\n');
  });
});
