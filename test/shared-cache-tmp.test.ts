import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvdOk, tempDir, tempRepo, writeFiles } from './helpers.js';

// Two repositories with one `cache.dir` (what `dvd exp run --run-all` sets up for its
// worktrees) share one tmp/ but have a lock each. Taking a lock used to empty tmp/, which
// deleted the other repository's half-written objects under its feet (two queued
// experiments failed with ENOENT on their temp files). Only dead processes' files go now.
describe('a cache.dir shared by two repositories', () => {
  it('taking one repository\'s lock keeps the temp files of a live process and removes those of a dead one', () => {
    const cache = tempDir('dvd-shared-cache-');
    const [a, b] = [tempRepo(), tempRepo()];
    for (const r of [a, b]) dvdOk(r, ['config', 'cache.dir', cache]);
    writeFiles(a, { 'x.txt': 'x\n' });
    dvdOk(a, ['add', 'x.txt']);
    const tmp = path.join(cache, 'tmp');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = path.join(tmp, `${process.pid}-abcd1234-0`);
    const stale = path.join(tmp, `${dead}-abcd1234-0`);
    fs.writeFileSync(live, 'being written by a live process');
    fs.writeFileSync(stale, 'left by a crash');
    writeFiles(b, { 'y.txt': 'y\n' });
    dvdOk(b, ['add', 'y.txt']);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(stale)).toBe(false);
  });
});
