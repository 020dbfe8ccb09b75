import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockOff, hasFaketime } from './faketime.js';
import { remoteFixture } from './remoteFixture.js';

// A machine whose clock is 20 minutes off: S3 (and s3rver, and Ceph RGW) refuse
// signatures more than 15 minutes from their own time with RequestTimeTooSkewed. dvd
// runs under libfaketime here; the server's Date header lets the SDK correct its
// offset, and that correction needs one more attempt.

const skewed = clockOff('-20m');

const fx = remoteFixture({ bucket: 'clock' });

describe.skipIf(!hasFaketime)('clock skew (libfaketime; apt install faketime)', { timeout: 120_000 }, () => {
  it('the clock-offset correction gets its retry: push and pull work with the clock 20 minutes behind', async () => {
    const { repo } = await fx.setup();
    await fx.ok(repo, ['push'], skewed);
    // One refused request, then the corrected offset for everything after it.
    expect(fx.proxy.count('HEAD')).toBe(2);
    const other = fx.clone(repo);
    await fx.ok(other, ['pull'], skewed);
    expect(fs.readFileSync(path.join(other, 'a.bin')).equals(fs.readFileSync(path.join(repo, 'a.bin')))).toBe(true);
  });

  it('when the server does not say its time, the error names the clock, not permissions', async () => {
    const { repo, prefix } = await fx.setup();
    // A gateway that drops Date headers and the error's ServerTime: nothing to correct from.
    fx.proxy.rule = () => ({
      kind: 'rewrite',
      fn: (a) => {
        delete a.headers.date;
        return { ...a, body: Buffer.from(a.body.toString('utf8').replace(/<ServerTime>[^<]*<\/ServerTime>/, '')) };
      },
    });
    const r = await fx.run(repo, ['push'], skewed);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: remote s3 (s3://clock/${prefix} at ${fx.proxy.endpoint}) refused the request time (RequestTimeTooSkewed): this machine's clock is more than 15 minutes off`);
    expect(r.stderr).toContain("hint: set the system clock right (e.g. `timedatectl set-ntp true`); S3 refuses signatures more than 15 minutes from the server's time");
    expect(r.stderr).not.toMatch(/permission/);
  });
});
