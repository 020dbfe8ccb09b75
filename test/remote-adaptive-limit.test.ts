import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, type Ticket } from '../src/remote/AdaptiveLimit.js';
import { proxyEnv, proxyForUrl } from '../src/remote/proxyForUrl.js';

// The throttling rules on a fake clock: halve once per burst of refusals, grow back by
// one per round of successes, space the starts once down to one request, Retry-After
// holds everyone. (The end-to-end behaviour is in remote-throttling.test.ts.)

function limiter(max: number) {
  let now = 1_000_000;
  const l = new AdaptiveLimit(max, () => now);
  return { l, tick: (ms: number) => (now += ms) };
}

/** Acquire n slots at once. */
async function take(l: AdaptiveLimit, n: number): Promise<Ticket[]> {
  return Promise.all(Array.from({ length: n }, () => l.acquire()));
}

describe('AdaptiveLimit (AIMD)', () => {
  it('32 requests throttled together halve the limit once, not 32 times', async () => {
    const { l } = limiter(32);
    const gens = await take(l, 32);
    for (const g of gens) l.release(g, 'throttled');
    expect(l.current).toBe(16);
    // The next round started after the decrease: its refusals halve again.
    const next = await take(l, 16);
    for (const g of next) l.release(g, 'throttled');
    expect(l.current).toBe(8);
  });

  it('grows back by one per round of successes, up to the jobs', async () => {
    const { l } = limiter(8);
    for (const g of await take(l, 8)) l.release(g, 'throttled');
    expect(l.current).toBe(4);
    const round = async () => {
      for (const g of await take(l, l.current)) l.release(g, 'ok');
    };
    await round();
    expect(l.current).toBe(5);
    await round();
    expect(l.current).toBe(6);
    for (let i = 0; i < 10; i++) await round();
    expect(l.current).toBe(8);
  });

  it('at one request, refused retries space the starts (doubling at most once per 200 ms) and successes shrink the spacing', async () => {
    const { l, tick } = limiter(1);
    // A refused first attempt says nothing about the rate (a store may refuse every key once).
    l.release(await l.acquire(), 'throttled');
    expect(l.spacingMs).toBe(0);
    l.release(await l.acquire(true), 'throttled');
    expect(l.spacingMs).toBe(10);
    tick(10);
    l.release(await l.acquire(true), 'throttled');
    expect(l.spacingMs).toBe(10);
    tick(200);
    l.release(await l.acquire(true), 'throttled');
    expect(l.spacingMs).toBe(20);
    // Requests of 5 ms: the spacing shrinks 10% per success until it is under 5 ms.
    const ok = async () => {
      tick(20);
      const t = await l.acquire();
      tick(5);
      l.release(t, 'ok');
    };
    await ok();
    expect(l.spacingMs).toBe(18);
    let n = 1;
    while (l.spacingMs > 0) {
      await ok();
      n++;
    }
    expect(n).toBe(14);
  });

  it('the first spacing halves the rate of one request per round trip, and ends once it is shorter than a round trip', async () => {
    const { l, tick } = limiter(2);
    for (const t of await take(l, 2)) l.release(t, 'throttled');
    expect(l.current).toBe(1);
    // One success (a 30 ms round trip) grows the limit back to 2; a throttle halves it to 1.
    const t1 = await l.acquire();
    tick(30);
    l.release(t1, 'ok');
    expect(l.current).toBe(2);
    const t2 = await l.acquire();
    l.release(t2, 'throttled');
    expect(l.current).toBe(1);
    expect(l.spacingMs).toBe(0);
    // At 1, the next refused retry spaces starts by two round trips.
    const t3 = await l.acquire(true);
    l.release(t3, 'throttled');
    expect(l.spacingMs).toBe(60);
    let n = 0;
    while (l.spacingMs > 0) {
      tick(60);
      const t = await l.acquire();
      tick(30);
      l.release(t, 'ok');
      n++;
    }
    // 60 ms shrinks by 10% per success until it is under the 30 ms round trip: 7 successes.
    expect(n).toBe(7);
    // Then the limit grows again: one more request in flight after a round.
    tick(60);
    const t4 = await l.acquire();
    l.release(t4, 'ok');
    expect(l.current).toBe(2);
  });

  it('Retry-After holds every start until it has passed', async () => {
    const { l, tick } = limiter(4);
    const g = await l.acquire();
    l.release(g, 'throttled', 2000);
    let started = false;
    const waiting = l.acquire().then(() => (started = true));
    tick(1999);
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toBe(false);
    tick(1);
    await new Promise((r) => setTimeout(r, 2100));
    await waiting;
    expect(started).toBe(true);
  });

  it('a retry waits ahead of first attempts', async () => {
    const { l } = limiter(1);
    const g = await l.acquire();
    const order: string[] = [];
    const fresh = l.acquire().then((x) => (order.push('fresh'), l.release(x, 'ok')));
    const retry = l.acquire(true).then((x) => (order.push('retry'), l.release(x, 'ok')));
    l.release(g, 'ok');
    await Promise.all([fresh, retry]);
    expect(order).toEqual(['retry', 'fresh']);
  });
});

describe('proxy variables, read as the AWS CLI (Python urllib) reads them', () => {
  it('lower case wins, an empty lower-case one unsets, a bare host:port is http://', () => {
    expect(proxyEnv({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }).https).toBe('http://lower:2');
    expect(proxyEnv({ HTTPS_PROXY: 'http://upper:1', https_proxy: '' }).https).toBeUndefined();
    expect(proxyEnv({ HTTP_PROXY: 'proxy.corp:3128' }).http).toBe('http://proxy.corp:3128');
    // httpoxy: under CGI the upper-case variable may come from a request header.
    expect(proxyEnv({ HTTP_PROXY: 'http://evil:1', REQUEST_METHOD: 'GET' }).http).toBeUndefined();
  });

  it('NO_PROXY: *, host or host:port, domain suffixes with or without a leading dot, case-insensitive', () => {
    const env = (no: string) => ({ https: 'http://p:1', no });
    expect(proxyForUrl('https', 'bucket.s3.amazonaws.com', 443, env('*'))).toBeUndefined();
    expect(proxyForUrl('https', 'bucket.s3.amazonaws.com', 443, env('amazonaws.com'))).toBeUndefined();
    expect(proxyForUrl('https', 'bucket.s3.amazonaws.com', 443, env(' .AMAZONAWS.com '))).toBeUndefined();
    expect(proxyForUrl('https', 'minio.local', 9000, env('minio.local:9000'))).toBeUndefined();
    expect(proxyForUrl('https', 'minio.local', 9001, env('minio.local:9000'))).toBe('http://p:1');
    expect(proxyForUrl('https', 'notamazonaws.com', 443, env('amazonaws.com'))).toBe('http://p:1');
    expect(proxyForUrl('http', 'x', 80, { http: 'http://p:1' })).toBe('http://p:1');
    expect(proxyForUrl('https', 'x', 443, { http: 'http://p:1' })).toBeUndefined();
  });
});
