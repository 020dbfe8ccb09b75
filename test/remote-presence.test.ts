import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { objectKey } from '../src/core/objectPath.js';
import type { Remote } from '../src/remote/Remote.js';
import { presentOnRemote } from '../src/remote/presentOnRemote.js';

// The presence check picks, per fan-out prefix, between one HEAD per object and a
// listing, so that a no-op push of 100,000 objects costs ~256 requests, not 100,000.

const oidOf = (i: number) => createHash('sha256').update(`object ${i}`).digest('hex');

function fakeRemote(keys: Set<string>) {
  const calls = { has: 0, list: 0 };
  const byPrefix = new Map<string, string[]>();
  for (const k of keys) {
    const p = k.slice(0, 'sha256/ab/'.length);
    const list = byPrefix.get(p);
    if (list) list.push(k);
    else byPrefix.set(p, [k]);
  }
  const remote: Remote = {
    name: 'fake',
    url: 'fake://',
    defaultJobs: 8,
    async has(key) {
      calls.has++;
      return keys.has(key);
    },
    async list(prefix) {
      calls.list++;
      return byPrefix.get(prefix) ?? [];
    },
    put: async () => {},
    get: async () => ({ sha256: '', bytes: 0 }),
    delete: async () => {},
    close() {},
  };
  return { remote, calls };
}

describe('presentOnRemote', () => {
  it('lists the 256 prefixes instead of 100,000 HEADs when every object is there', async () => {
    const oids = Array.from({ length: 100_000 }, (_, i) => oidOf(i));
    const { remote, calls } = fakeRemote(new Set(oids.map(objectKey)));
    const { present } = await presentOnRemote(remote, oids, 32);
    expect(present.size).toBe(100_000);
    expect(calls.has).toBe(0);
    expect(calls.list).toBe(256);
  });

  it('uses HEAD for a few objects, even against a large remote', async () => {
    const big = Array.from({ length: 50_000 }, (_, i) => oidOf(i));
    const { remote, calls } = fakeRemote(new Set(big.map(objectKey)));
    const asked = [oidOf(1), oidOf(2), oidOf(999_999)];
    const { present } = await presentOnRemote(remote, asked, 8);
    expect([...present].sort()).toEqual([oidOf(1), oidOf(2)].sort());
    expect(calls.list).toBe(0);
    expect(calls.has).toBe(3);
  });

  it('against a huge remote, HEADs the sparse prefixes rather than listing them', async () => {
    // 2,000,000 keys -> ~7,800 per prefix, 8 pages each; asking for 600 objects (~2 per
    // prefix) must not list 256 x 8 pages.
    const perPrefix = 7800;
    const calls = { has: 0, list: 0 };
    const remote: Remote = {
      name: 'huge',
      url: 'fake://',
      defaultJobs: 8,
      has: async () => (calls.has++, true),
      list: async (prefix) => (calls.list++, Array.from({ length: perPrefix }, (_, i) => `${prefix}${i}`)),
      put: async () => {},
      get: async () => ({ sha256: '', bytes: 0 }),
      delete: async () => {},
      close() {},
    };
    const asked = Array.from({ length: 600 }, (_, i) => oidOf(i));
    const { present } = await presentOnRemote(remote, asked, 8);
    expect(present.size).toBeGreaterThan(590);
    expect(calls.list).toBeLessThanOrEqual(2);
    expect(calls.has + calls.list).toBeLessThan(620);
  });
});
