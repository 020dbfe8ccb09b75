import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, dvd, dvdOk, tempDir, tempRepo, tinyTmpfs, removedAfterEach } from './helpers.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

// Issue 11, item 2: dvd version / -V / doctor.

let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'doctor-bucket' });
});
afterAll(async () => {
  await s3?.stop();
});

const cleanup = removedAfterEach();

const pkgVersion = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8')).version;
const sdkVersion = JSON.parse(fs.readFileSync(path.join(PROJECT, 'node_modules/@aws-sdk/client-s3/package.json'), 'utf8')).version;
const gitVersion = /(\d+\.\d+\.\d+)/.exec(spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout)![1];

/** Whether `cp --reflink=always` works from dir a to dir b: the independent truth for the probe. */
function reflinkWorks(a: string, b: string): boolean {
  fs.writeFileSync(path.join(a, 'r-src'), 'x');
  const ok = spawnSync('cp', ['--reflink=always', path.join(a, 'r-src'), path.join(b, 'r-dst')]).status === 0;
  fs.rmSync(path.join(a, 'r-src'), { force: true });
  fs.rmSync(path.join(b, 'r-dst'), { force: true });
  return ok;
}

const fsType = (p: string) => spawnSync('stat', ['-f', '-c', '%T', p], { encoding: 'utf8' }).stdout.trim();

describe('dvd version and -V', { timeout: 120_000 }, () => {
  it('-V and --version print the version number alone', () => {
    const r = tempDir();
    cleanup(r);
    expect(dvdOk(r, ['-V']).stdout).toBe(`${pkgVersion}\n`);
    expect(dvdOk(r, ['--version']).stdout).toBe(`${pkgVersion}\n`);
  });

  it('outside a repository: versions only', () => {
    const d = tempDir();
    cleanup(d);
    const j = JSON.parse(dvdOk(d, ['version', '--json']).stdout);
    expect(j).toEqual({ dvd: pkgVersion, node: process.versions.node, git: gitVersion, awsSdk: sdkVersion, platform: `${process.platform} ${process.arch}`, warnings: [], repo: null });
    const text = dvdOk(d, ['version']).stdout;
    expect(text).toContain(`dvd: ${pkgVersion}\nNode.js: ${process.versions.node}\ngit: ${gitVersion}\nAWS SDK (client-s3): ${sdkVersion}\n`);
    expect(text).toContain('Repository: none here');
  });

  it('in a repository: the cache, its file system and the link types that really work', () => {
    const r = tempRepo();
    cleanup(r);
    dvdOk(r, ['remote', 'add', '-d', 'store', 's3://bucket/prefix']);
    const j = JSON.parse(dvdOk(r, ['version', '--json']).stdout);
    const cacheDir = path.join(r, '.dvd/cache');
    expect(j.repo.cache).toMatchObject({ dir: cacheDir, configured: ['reflink', 'copy'] });
    expect(j.repo.cache.works).toEqual({ reflink: reflinkWorks(path.join(r, '.dvd'), path.join(r, '.dvd')), hardlink: true, symlink: true, copy: true });
    expect(j.repo.cache.uses).toBe(j.repo.cache.works.reflink ? 'reflink' : 'copy');
    // The mount table's name for the type; `stat -f` says ext2/ext3 for ext4 and agrees otherwise.
    expect(j.repo.fileSystem.replace(/^ext4$/, 'ext2/ext3')).toBe(fsType(r));
    expect(j.repo.remotes).toEqual([{ name: 'store', url: 's3://bucket/prefix', default: true }]);
    // Probing left nothing behind.
    expect(fs.readdirSync(path.join(r, '.dvd')).filter((n) => n.includes('probe'))).toEqual([]);
    const text = dvdOk(r, ['version']).stdout;
    expect(text).toContain(`Cache: ${cacheDir} (${j.repo.cache.fileSystem})\n`);
    expect(text).toContain('Remotes: store (default) s3://bucket/prefix\n');
  });

  describe('with the cache on another file system', () => {
    const fsys = tinyTmpfs('1m');
    it('hardlink is found not to work, and checkout would fall back to copy', () => {
      if (!fsys.mounted) return; // mounting not allowed here
      const r = tempRepo();
      cleanup(r);
      dvdOk(r, ['cache', 'dir', fsys.mnt]);
      dvdOk(r, ['config', 'cache.type', 'hardlink,copy']);
      const j = JSON.parse(dvdOk(r, ['version', '--json']).stdout);
      expect(j.repo.cache).toMatchObject({ dir: fsys.mnt, fileSystem: 'tmpfs', works: { hardlink: false, symlink: true, copy: true }, uses: 'copy' });
      expect(dvdOk(r, ['version']).stdout).toContain('Cache types: hardlink, copy configured; symlink, copy work here; checkout uses copy\n');
    });
  });
});

describe('dvd doctor', { timeout: 120_000 }, () => {
  it('a hand-edited bad setting: version still prints, doctor names it and exits 1', () => {
    const r = cleanup(tempRepo());
    fs.appendFileSync(path.join(r, '.dvd/config'), '[cache]\n\ttype = bogus\n');
    expect(dvdOk(r, ['version']).stdout).toContain('Repository: cannot be read: cache.type: unknown link type "bogus"\n');
    const d = dvd(r, ['doctor', '--json']);
    expect(d.code).toBe(1);
    expect(JSON.parse(d.stdout).problems).toEqual(['cache.type: unknown link type "bogus"']);
  });

  it('says which remotes answer; exit 1 and the reason when one does not', () => {
    const r = tempRepo();
    cleanup(r);
    const folder = tempDir('dvd-doctor-remote-');
    cleanup(folder);
    dvdOk(r, ['remote', 'add', '-d', 'share', folder]);
    dvdOk(r, ['remote', 'add', 's3', `s3://${s3.bucket}/p`]);
    dvdOk(r, ['remote', 'modify', 's3', 'endpoint', s3.endpoint]);
    dvdOk(r, ['remote', 'modify', 's3', 'path_style', 'true']);
    const good = dvd(r, ['doctor'], { env: s3.env });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/\nRemote s3: answers \(\d+ ms\)\nRemote share: answers \(\d+ ms\)\nNo problems found\.\n$/);

    dvdOk(r, ['remote', 'add', 'gone', path.join(folder, 'no-such-folder')]);
    dvdOk(r, ['remote', 'add', 'nobucket', 's3://no-such-bucket/p']);
    dvdOk(r, ['remote', 'modify', 'nobucket', 'endpoint', s3.endpoint]);
    dvdOk(r, ['remote', 'modify', 'nobucket', 'path_style', 'true']);
    const bad = dvd(r, ['doctor', '--json'], { env: s3.env });
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.stdout);
    const byName = Object.fromEntries(j.remoteChecks.map((c: { name: string }) => [c.name, c]));
    expect(byName.share.ok).toBe(true);
    expect(byName.s3.ok).toBe(true);
    expect(byName.gone).toMatchObject({ ok: false, error: { code: 'ENOREMOTEDIR' } });
    expect(byName.nobucket.ok).toBe(false);
    expect(byName.nobucket.error.message).toMatch(/no-such-bucket/);
    expect(j.problems).toHaveLength(2);
    expect(dvd(r, ['doctor'], { env: s3.env }).stdout).toMatch(/Remote gone: FAILED: remote gone: folder .*no-such-folder does not exist/);
  });
});
