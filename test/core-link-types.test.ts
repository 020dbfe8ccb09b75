import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, seededBytes, tempRepo, tinyTmpfs, treeHashes, writeFiles } from './helpers.js';

function setConfig(repo: string, text: string): void {
  fs.appendFileSync(path.join(repo, '.dvd/config'), text);
}

function objectFile(repo: string, oid: string): string {
  return path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2));
}

describe('cache link types', () => {
  it('default reflink,copy never shares inodes with the cache', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'm.bin': 'weights' });
    dvdOk(repo, ['add', 'm.bin']);
    const oid = /sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(repo, 'm.bin.dvd'), 'utf8'))![1];
    expect(fs.statSync(path.join(repo, 'm.bin')).ino).not.toBe(fs.statSync(objectFile(repo, oid)).ino);
    fs.rmSync(path.join(repo, 'm.bin'));
    dvdOk(repo, ['checkout']);
    const st = fs.statSync(path.join(repo, 'm.bin'));
    expect(st.ino).not.toBe(fs.statSync(objectFile(repo, oid)).ino);
    expect(st.mode & 0o200).not.toBe(0); // a private copy stays writable
  });

  for (const type of ['hardlink', 'symlink'] as const) {
    it(`${type}: workspace files share the cache, are read-only, and round-trip versions`, () => {
      const repo = tempRepo();
      setConfig(repo, `[cache]\n\ttype = ${type}\n`);
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 30; i++) files[`data/f${i}`] = seededBytes(i, 1000);
      writeFiles(repo, files);
      const v1 = treeHashes(path.join(repo, 'data'));
      dvdOk(repo, ['add', 'data']);
      const f0 = path.join(repo, 'data/f0');
      if (type === 'hardlink') {
        expect(fs.lstatSync(f0).isFile()).toBe(true);
        expect(fs.statSync(f0).nlink).toBe(2);
      } else {
        expect(fs.lstatSync(f0).isSymbolicLink()).toBe(true);
        expect(fs.readlinkSync(f0)).toContain(path.join('.dvd', 'cache', 'sha256'));
      }
      expect(fs.statSync(f0).mode & 0o222).toBe(0);
      // (Root ignores permission bits, so the mode is what we can assert here.)
      expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'v1');
      // The way to edit: replace the file (rm + write), then commit.
      fs.rmSync(f0);
      fs.writeFileSync(f0, 'v2 content');
      dvdOk(repo, ['commit']);
      git(repo, 'commit', '-qam', 'v2');
      git(repo, 'checkout', '-q', 'HEAD~1');
      dvdOk(repo, ['checkout']);
      const got = Object.fromEntries(Object.keys(v1).map((k) => [k, createHash('sha256').update(fs.readFileSync(path.join(repo, 'data', k))).digest('hex')]));
      expect(got).toEqual(v1);
      expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    });
  }

  it('symlink: a single-file target is committed and re-added with its object\'s size, not the link\'s', () => {
    const repo = tempRepo();
    setConfig(repo, '[cache]\n\ttype = symlink\n');
    writeFiles(repo, { 'm.bin': 'hello\n' });
    dvdOk(repo, ['add', 'm.bin']);
    const pointer = fs.readFileSync(path.join(repo, 'm.bin.dvd'), 'utf8');
    expect(pointer).toContain('size: 6\n');
    expect(fs.lstatSync(path.join(repo, 'm.bin')).isSymbolicLink()).toBe(true);
    dvdOk(repo, ['commit', '-f']);
    expect(fs.readFileSync(path.join(repo, 'm.bin.dvd'), 'utf8')).toBe(pointer);
    expect(dvdOk(repo, ['add', 'm.bin']).stdout).toMatch(/^unchanged m\.bin \(6 B\)/);
    expect(fs.readFileSync(path.join(repo, 'm.bin.dvd'), 'utf8')).toBe(pointer);
    // A symlink that does not point into the cache is still refused.
    fs.symlinkSync(path.join(repo, 'm.bin.dvd'), path.join(repo, 'other'));
    const r = dvd(repo, ['add', 'other']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('other: is a symbolic link; dvd does not track links');
  });

  it('--relink switches an existing workspace to the configured type', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A', 'data/b': 'B' });
    dvdOk(repo, ['add', 'data']);
    expect(fs.statSync(path.join(repo, 'data/a')).nlink).toBe(1);
    setConfig(repo, '[cache]\n\ttype = hardlink\n');
    dvdOk(repo, ['checkout']);
    expect(fs.statSync(path.join(repo, 'data/a')).nlink).toBe(1); // plain checkout leaves it alone
    dvdOk(repo, ['checkout', '--relink']);
    expect(fs.statSync(path.join(repo, 'data/a')).nlink).toBe(2);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('A');
  });

  it('hardlink across file systems falls back to copy with one warning', () => {
    const repo = tempRepo();
    const shm = fs.mkdtempSync('/dev/shm/dvd-cache-');
    try {
      setConfig(repo, `[cache]\n\ttype = hardlink,copy\n\tdir = ${shm}\n`);
      const files: Record<string, string> = {};
      for (let i = 0; i < 20; i++) files[`data/f${i}`] = `file ${i}`;
      writeFiles(repo, files);
      dvdOk(repo, ['add', 'data']);
      fs.rmSync(path.join(repo, 'data'), { recursive: true });
      const r = dvdOk(repo, ['checkout']);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual(['warning: cache type hardlink does not work here (EXDEV); using copy']);
      expect(fs.readFileSync(path.join(repo, 'data/f7'), 'utf8')).toBe('file 7');
      expect(fs.existsSync(path.join(shm, 'sha256'))).toBe(true);
    } finally {
      fs.rmSync(shm, { recursive: true, force: true });
    }
  });
});

describe('full disk', () => {
  const { mnt, mounted } = tinyTmpfs('256k');

  it.skipIf(!mounted)('add into a cache on a full disk fails cleanly and leaves the data intact', () => {
    const repo = tempRepo();
    setConfig(repo, `[cache]\n\tdir = ${mnt}\n`);
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 10; i++) files[`data/f${i}`] = seededBytes(i, 64 * 1024);
    writeFiles(repo, files);
    const before = treeHashes(path.join(repo, 'data'));
    const r = dvd(repo, ['add', 'data']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no space left on device/);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    // Only whole objects in the cache, no temp files left behind.
    expect(fs.readdirSync(path.join(mnt, 'tmp'))).toEqual([]);
  });
});
