import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rateLimited, type Fault, type SeenRequest } from './faultProxy.js';
import { treeHashes } from './helpers.js';
import { bucketKeys } from './s3rver.js';
import { manyFiles, remoteFixture } from './remoteFixture.js';

// A store that throttles (S3 answers 503 SlowDown above a prefix's request rate): dvd
// must slow down - fewer requests in flight, paced starts, Retry-After honoured across
// every request of the remote - and finish, instead of spending a fixed number of
// attempts per object and giving up.

const fx = remoteFixture({ bucket: 'throttle' });
const isObject = (q: SeenRequest) => /\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}/.test(q.url);
const slowDown: Fault = { kind: 'status', status: 503, code: 'SlowDown' };
// Backoff as shipped, not the 5 ms the other fault tests use.
const defaults = { DVD_BACKOFF_MS: undefined };

describe('throttling', { timeout: 240_000 }, () => {
  it('200 files behind a 20 requests/s SlowDown limiter: push and pull finish with default settings', async () => {
    const { repo, prefix } = await fx.setup({ files: manyFiles(200) });
    let refused = 0;
    const limit = rateLimited(20);
    fx.proxy.rule = (q) => {
      const f = limit(q);
      if (f) refused++;
      return f;
    };
    await fx.ok(repo, ['push'], defaults);
    expect(bucketKeys(fx.s3).filter((k) => k.startsWith(`${prefix}/`))).toHaveLength(201);
    expect(refused).toBeGreaterThan(0);
    const other = fx.clone(repo);
    await fx.ok(other, ['pull'], defaults);
    expect(treeHashes(path.join(other, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
  });

  it('a store refusing more than 4 requests in flight: the queue halves its concurrency and finishes', async () => {
    const { repo, prefix } = await fx.setup({ files: manyFiles(200) });
    fx.proxy.rule = (q) => (q.inFlight > 4 ? slowDown : null);
    await fx.ok(repo, ['push'], defaults);
    expect(bucketKeys(fx.s3).filter((k) => k.startsWith(`${prefix}/`))).toHaveLength(201);
    // 32 in flight at first; after a few halvings most requests are let through: the
    // limit climbs back by one per round and halves again at 5 (measured: 51 of 387
    // refused, 15 of the last 200). Without the adaptive limit 5 of 200 objects failed.
    const refused = fx.proxy.requests.filter((q) => q.inFlight > 4);
    expect(refused.length).toBeLessThan(120);
    const late = fx.proxy.requests.slice(-200);
    expect(late.filter((q) => q.inFlight > 4).length).toBeLessThan(40);
  });

  it('Retry-After from one presence check holds every request of the remote', async () => {
    const { repo } = await fx.setup({ files: manyFiles(200) });
    let answeredAt = 0;
    let heads = 0;
    // The 20th presence check, while ~30 others are in flight.
    fx.proxy.rule = (q) => {
      if (q.method === 'HEAD' && isObject(q) && ++heads === 20) {
        answeredAt = Date.now();
        return { ...slowDown, retryAfter: 2 };
      }
      return null;
    };
    await fx.ok(repo, ['push']);
    // Requests already on their way when the answer came may arrive; no new ones start
    // until the 2 s are over (without the shared pause, ~200 HEADs went out at once).
    const early = fx.proxy.requests.filter((q) => q.at > answeredAt && q.at < answeredAt + 1900);
    expect(early.length).toBeLessThan(32);
    expect(fx.proxy.requests.some((q) => q.at >= answeredAt + 2000)).toBe(true);
  });

  it('a store that throttles everything, forever: push stops with the throttling named, after a bounded number of requests', async () => {
    const { repo, prefix } = await fx.setup({ files: manyFiles(20) });
    fx.proxy.rule = () => slowDown;
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`remote s3 (s3://throttle/${prefix} at ${fx.proxy.endpoint}) kept asking to slow down (HTTP 503 Service Unavailable) and answered nothing else (5 attempts)`);
    expect(fx.proxy.count()).toBe(5);
  });
});
