import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededBytes, treeHashes } from './helpers.js';
import { manyFiles, remoteFixture } from './remoteFixture.js';

// Endpoints that stop talking: connection accepted but never answered, a body that
// stops halfway. dvd must time out (remote.NAME.timeout, short here), retry, and end
// with a bounded failure that names the remote and the timeout, never wait forever.

const fx = remoteFixture({ bucket: 'hangs' });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const FILES = { ...manyFiles(12, 'data'), 'big.bin': seededBytes(5, 300_000) };
const bigOid = sha(FILES['big.bin']);
const isBig = (url: string) => url.includes(bigOid.slice(2));

describe('an endpoint that hangs', { timeout: 120_000 }, () => {
  it('accepts the connection and never answers: push times out, retries, then fails naming the remote and the timeout', async () => {
    const { repo, prefix } = await fx.setup({ files: FILES, settings: { timeout: '1s' } });
    fx.proxy.rule = () => ({ kind: 'hang' });
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: remote s3 (s3://hangs/${prefix} at ${fx.proxy.endpoint}) did not answer within 1 s (5 attempts)`);
    expect(r.stderr).toContain('hint: check the endpoint and the network; on a slow link raise the limit: `dvd remote modify s3 timeout 2m`');
    // The first request was tried 5 times, then everything stopped: no object was attempted.
    expect(fx.proxy.count()).toBe(5);
  });

  it('an upload the server never answers: push fails with the timeout after the retries', async () => {
    const { repo, prefix } = await fx.setup({ files: FILES, settings: { timeout: '1s' } });
    fx.proxy.rule = (q) => (q.method === 'PUT' ? { kind: 'hang' } : null);
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`remote s3 (s3://hangs/${prefix} at ${fx.proxy.endpoint}) did not answer within 1 s`);
  });

  it('a download that stalls halfway once: pull retries and gets the exact bytes', async () => {
    const { repo } = await fx.setup({ files: FILES, settings: { timeout: '1s' } });
    await fx.ok(repo, ['push']);
    let stalled = 0;
    fx.proxy.rule = (q) => (q.method === 'GET' && isBig(q.url) && stalled++ === 0 ? { kind: 'stall', after: 150_000 } : null);
    const other = fx.clone(repo);
    await fx.ok(other, ['pull']);
    expect(fs.readFileSync(path.join(other, 'big.bin')).equals(FILES['big.bin'])).toBe(true);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
    expect(fx.proxy.requests.filter((q) => q.method === 'GET' && isBig(q.url))).toHaveLength(2);
  });

  it('a download that stalls every time: that object fails with the timeout, the rest arrives, nothing half-written stays', async () => {
    const { repo, prefix } = await fx.setup({ files: FILES, settings: { timeout: '1s' } });
    await fx.ok(repo, ['push']);
    fx.proxy.rule = (q) => (q.method === 'GET' && isBig(q.url) ? { kind: 'stall', after: 150_000 } : null);
    const other = fx.clone(repo);
    const r = await fx.run(other, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256:${bigOid} (big.bin.dvd): download sha256/${bigOid.slice(0, 2)}/${bigOid.slice(2)}: remote s3 (s3://hangs/${prefix} at ${fx.proxy.endpoint}) sent nothing for 1 s`);
    expect(fx.proxy.requests.filter((q) => q.method === 'GET' && isBig(q.url))).toHaveLength(5);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
    expect(fs.existsSync(path.join(other, 'big.bin'))).toBe(false);
    expect(fs.readdirSync(path.join(other, '.dvd/tmp'))).toEqual([]);
  });

  it('dvd doctor probes once, bounded by the remote\'s timeout, and names it', async () => {
    const { repo, prefix } = await fx.setup({ settings: { timeout: '1s' } });
    fx.proxy.rule = () => ({ kind: 'hang' });
    const r = await fx.run(repo, ['doctor', '--json']);
    expect(r.code).toBe(1);
    const [check] = JSON.parse(r.stdout).remoteChecks;
    expect(check).toMatchObject({
      name: 's3',
      ok: false,
      error: {
        code: 'ETIMEOUT',
        message: `remote s3 (s3://hangs/${prefix} at ${fx.proxy.endpoint}) did not answer within 1 s (1 attempt)`,
        hint: 'check the endpoint and the network; on a slow link raise the limit: `dvd remote modify s3 timeout 2m`',
      },
    });
    // One listing, not the 5 attempts a transfer gets.
    expect(fx.proxy.count()).toBe(1);
  });

  it('timeout is validated when set', async () => {
    const { repo } = await fx.setup();
    const r = await fx.run(repo, ['remote', 'modify', 's3', 'timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('remote.s3.timeout: expected a duration like 30s, 500ms or 2m, got "soon"');
  });
});
