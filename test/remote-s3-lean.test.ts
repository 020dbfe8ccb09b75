import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeenRequest } from './faultProxy.js';
import { seededBytes, treeHashes } from './helpers.js';
import { remoteFixture } from './remoteFixture.js';
import { bucketKeys } from './s3rver.js';

// HEADs, whole-object GETs and PUTs from memory go out on dvd's lean signed path
// (src/remote/s3Lean.ts), everything else through the AWS SDK; DVD_S3_SDK=1 sends all
// through the SDK. The other remote tests run on the lean path and cover retries,
// throttling, timeouts, errors, proxies, regions and the clock; these cover what the
// lean path builds itself: the headers a PUT carries, the session token, addressing,
// key encoding - each compared with what the SDK sends for the same push.

const fx = remoteFixture({ bucket: 'lean' });
const noProxyEnv = { HTTP_PROXY: undefined, HTTPS_PROXY: undefined, NO_PROXY: undefined, http_proxy: undefined, https_proxy: undefined, no_proxy: undefined };
const FILES = { 'd/a.bin': seededBytes(1, 3000), 'd/b.bin': seededBytes(2, 70_000), 'd/c.bin': seededBytes(3, 10) };
// The three files and the manifest of the tracked directory `d`.
const OBJECTS = 4;
// Set by each path in its own way; everything else a request carries must match.
const PER_REQUEST = new Set(['x-amz-date', 'x-amz-user-agent', 'user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'authorization', 'connection', 'expect']);

/** What a request says to the store: method, path (the prefix as P), headers but the per-request ones, signed headers. */
function shape(q: SeenRequest, prefix: string): string {
  // The SDK marks the operation in the query (`?x-id=PutObject`); S3 ignores it.
  const url = q.url.replace(`/${prefix}/`, '/P/').replace(/\?x-id=\w+$/, '');
  const headers = Object.entries(q.headers)
    .filter(([k]) => !PER_REQUEST.has(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort();
  const signed = /SignedHeaders=([^,]+)/.exec(String(q.headers.authorization ?? ''))?.[1].split(';').filter((h) => !PER_REQUEST.has(h));
  return `${q.method} ${url} ${headers.join(' ')} signed:${signed?.join(';')}`;
}

const objectRequests = (prefix: string) => fx.proxy.requests.filter((q) => q.url.includes(`/${prefix}/sha256/`));

describe('the lean S3 path', { timeout: 120_000 }, () => {
  it('a push sends what the SDK sends: SSE-KMS, storage class, the oid as metadata, the session token, all signed; s3rver stores the class', async () => {
    const { repo, prefix } = await fx.setup({ files: FILES, settings: { sse: 'aws:kms', sse_kms_key_id: 'alias/dvd-test', storage_class: 'STANDARD_IA' } });
    const token = { AWS_SESSION_TOKEN: 'FQoGZXIvYXdzEBYaDdvdtoken' };
    await fx.ok(repo, ['push'], token);
    const lean = objectRequests(prefix);
    expect(lean.filter((q) => q.method === 'PUT')).toHaveLength(OBJECTS);
    // The lean path sends no SDK bookkeeping headers: this push did not go through the SDK.
    for (const q of lean) expect(q.headers['amz-sdk-invocation-id'], q.url).toBeUndefined();
    for (const q of lean.filter((r) => r.method === 'PUT')) {
      expect(q.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(q.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/dvd-test');
      expect(q.headers['x-amz-storage-class']).toBe('STANDARD_IA');
      expect(q.headers['x-amz-meta-sha256']).toMatch(/^[0-9a-f]{64}$/);
      expect(q.headers['x-amz-security-token']).toBe(token.AWS_SESSION_TOKEN);
      expect(String(q.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    }
    const keys = bucketKeys(fx.s3).filter((k) => k.startsWith(`${prefix}/`));
    expect(keys).toHaveLength(OBJECTS);
    for (const k of keys) {
      const meta = JSON.parse(fs.readFileSync(path.join(fx.s3.dir, fx.s3.bucket, `${k}._S3rver_metadata.json`), 'utf8'));
      expect(meta['x-amz-storage-class'], k).toBe('STANDARD_IA');
      expect(meta['x-amz-meta-sha256'], k).toBe(k.split('/').slice(-2).join(''));
    }

    // The same push through the SDK, to another prefix: the same requests, header for header.
    await fx.ok(repo, ['remote', 'modify', 's3', 'url', `s3://${fx.s3.bucket}/${prefix}sdk`]);
    await fx.ok(repo, ['push'], { ...token, DVD_S3_SDK: '1' });
    const sdk = objectRequests(`${prefix}sdk`);
    for (const q of sdk) expect(q.headers['amz-sdk-invocation-id'], q.url).toBeDefined();
    expect(sdk.map((q) => shape(q, `${prefix}sdk`)).sort()).toEqual(lean.map((q) => shape(q, prefix)).sort());
  });

  it('a storage class the store refuses: its error, from the PUT answer, names it', async () => {
    const { repo } = await fx.setup({ settings: { storage_class: 'NO_SUCH_CLASS' } });
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 400 InvalidStorageClass: The storage class you specified is not valid');
  });

  it('a pull gets whole objects with plain GETs (no SDK), hashed, and the same GETs as the SDK', async () => {
    const { repo, prefix } = await fx.setup({ files: FILES });
    await fx.ok(repo, ['push']);
    const want = treeHashes(path.join(repo, 'd'));
    fx.proxy.reset();
    const lean = fx.clone(repo);
    await fx.ok(lean, ['pull'], { AWS_SESSION_TOKEN: 'tok' });
    expect(treeHashes(path.join(lean, 'd'))).toEqual(want);
    const gets = objectRequests(prefix).filter((q) => q.method === 'GET');
    expect(gets).toHaveLength(OBJECTS);
    for (const q of gets) {
      expect(q.headers['amz-sdk-invocation-id']).toBeUndefined();
      expect(q.headers['x-amz-security-token']).toBe('tok');
    }
    fx.proxy.reset();
    const sdk = fx.clone(repo);
    await fx.ok(sdk, ['pull'], { AWS_SESSION_TOKEN: 'tok', DVD_S3_SDK: '1' });
    expect(treeHashes(path.join(sdk, 'd'))).toEqual(want);
    const sdkGets = objectRequests(prefix).filter((q) => q.method === 'GET');
    expect(sdkGets.map((q) => shape(q, prefix)).sort()).toEqual(gets.map((q) => shape(q, prefix)).sort());
  });

  it('virtual-hosted and path-style addressing, through HTTP_PROXY (the fault proxy) as the SDK addresses them', async () => {
    // s3rver takes BUCKET.s3.amazonaws.com as virtual-hosted; the proxy means no DNS lookup.
    const { repo, prefix } = await fx.setup({ files: FILES, endpoint: 'http://s3.amazonaws.com', settings: { path_style: 'false' } });
    const viaProxy = { ...noProxyEnv, HTTP_PROXY: fx.proxy.endpoint };
    await fx.ok(repo, ['push'], viaProxy);
    const puts = fx.proxy.requests.filter((q) => q.method === 'PUT');
    expect(puts).toHaveLength(OBJECTS);
    for (const q of puts) {
      expect(q.url).toMatch(new RegExp(`^http://lean\\.s3\\.amazonaws\\.com/${prefix}/sha256/[0-9a-f]{2}/[0-9a-f]{62}$`));
      expect(q.headers.host).toBe('lean.s3.amazonaws.com');
    }
    const virtual = fx.clone(repo);
    await fx.ok(virtual, ['pull'], viaProxy);
    expect(treeHashes(path.join(virtual, 'd'))).toEqual(treeHashes(path.join(repo, 'd')));

    fx.proxy.reset();
    await fx.ok(repo, ['remote', 'modify', 's3', 'path_style', 'true']);
    await fx.ok(repo, ['remote', 'modify', 's3', 'url', `s3://lean/${prefix}ps`]);
    await fx.ok(repo, ['push'], viaProxy);
    const psPuts = fx.proxy.requests.filter((q) => q.method === 'PUT');
    expect(psPuts).toHaveLength(OBJECTS);
    for (const q of psPuts) {
      expect(q.url).toMatch(new RegExp(`^http://s3\\.amazonaws\\.com/lean/${prefix}ps/sha256/`));
      expect(q.headers.host).toBe('s3.amazonaws.com');
    }
  });

  it('a prefix with characters that need escaping: the signed path matches what s3rver checks, and the keys are exact', async () => {
    const odd = "we ird+(1)!*'~=,;";
    const { repo } = await fx.setup({ files: FILES, url: `s3://lean/${odd}` });
    await fx.ok(repo, ['push']);
    expect(bucketKeys(fx.s3).filter((k) => k.startsWith(`${odd}/`))).toHaveLength(OBJECTS);
    const other = fx.clone(repo);
    await fx.ok(other, ['pull']);
    expect(treeHashes(path.join(other, 'd'))).toEqual(treeHashes(path.join(repo, 'd')));
  });
});
