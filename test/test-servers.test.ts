import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './faultProxy.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

// The test servers must not lose requests: tests count the attempts that reach the fault
// proxy exactly (remote-hangs, -faults, -throttling, -clock). Node's
// HTTP servers close a keep-alive connection after 5 s idle (s3rver's closes at ~6 s),
// and a Node 20 Agent without a `timeout` ignores the server's `Keep-Alive: timeout=5`
// hint, so a client that reuses the connection at that moment gets ECONNRESET (29 of 160
// requests sent 5.96-6.04 s after the last one, measured against s3rver). Between the
// fault proxy and s3rver that means: the proxy counts a GET, forwards it on such a
// connection, loses the answer, dvd retries, the proxy counts it again. That made the
// interrupted pull count 702 GETs instead of 700 under full-suite load, where the second
// pull reached the proxy about 6 s after the killed one (its -j 2 left two pooled
// connections, which the second pull reuses first). So both servers keep idle
// connections open; dvd's own handling of such resets is tested with injected resets.
// The interrupted push and pull tests also count only the transfers the proxy answered
// (SeenRequest.answered), so a request lost this way cannot pass for a second download.

let s3: S3rverHandle;
let proxy: FaultProxy;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'idle-bucket' });
  proxy = await startFaultProxy(s3.port);
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});

/** Two requests on one keep-alive connection, `idleMs` apart: whether the second reused the first's connection. */
async function reusedAfter(port: number, idleMs: number): Promise<boolean[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<boolean>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/idle-bucket?list-type=2', agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(req.reusedSocket) : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
    });
  try {
    const first = await get();
    await new Promise((r) => setTimeout(r, idleMs));
    return [first, await get()];
  } finally {
    agent.destroy();
  }
}

describe('test servers', { timeout: 60_000 }, () => {
  it('s3rver and the fault proxy keep an idle keep-alive connection open past Node\'s 5 s', async () => {
    const [direct, viaProxy] = await Promise.all([reusedAfter(s3.port, 7_000), reusedAfter(proxy.port, 7_000)]);
    expect(direct).toEqual([false, true]);
    expect(viaProxy).toEqual([false, true]);
    expect(proxy.count('GET')).toBe(2);
  });
});
