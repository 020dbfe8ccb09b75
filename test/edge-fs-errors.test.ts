import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainFsError } from '../src/core/fsError.js';
import { DvdError } from '../src/core/errors.js';
import { dvd, dvdOk, tempRepo, tinyTmpfs, treeHashes, writeFiles } from './helpers.js';

// Issue 9 B14: a failed link or write is reported in words a user can act on, never as a
// raw errno line with dvd's temp names in it.

function setConfig(repo: string, text: string): void {
  fs.appendFileSync(path.join(repo, '.dvd/config'), text);
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const RAW_ERRNO = /E[A-Z]{3,}[:,]|\.dvd-tmp-/;

describe('link failures in plain words', () => {
  const { mnt, mounted } = tinyTmpfs('8m');

  it.skipIf(!mounted)('hardlink with cache.dir on another file system: add and checkout name the fix', () => {
    const repo = tempRepo();
    setConfig(repo, `[cache]\n\ttype = hardlink\n\tdir = ${path.join(mnt, 'c1')}\n`);
    writeFiles(repo, { 'data/a.csv': 'a\n', 'data/b.csv': 'b\n', 'model.bin': 'weights' });
    const before = treeHashes(path.join(repo, 'data'));
    for (const target of ['data', 'model.bin']) {
      const r = dvd(repo, ['add', target]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('hardlink cannot cross file systems (cache.dir is on another one); add copy to cache.type');
      expect(r.stderr).not.toMatch(RAW_ERRNO);
      expect(fs.existsSync(path.join(repo, `${target}.dvd`))).toBe(false);
    }
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
    expect(fs.readFileSync(path.join(repo, 'model.bin'), 'utf8')).toBe('weights');

    // The same repository with copy works; switching back to hardlink, checkout says it too.
    setConfig(repo, '[cache]\n\ttype = copy\n');
    dvdOk(repo, ['add', 'data']);
    setConfig(repo, '[cache]\n\ttype = hardlink\n');
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('hardlink cannot cross file systems (cache.dir is on another one); add copy to cache.type');
    expect(co.stderr).not.toMatch(RAW_ERRNO);
    expect(co.stderr).toContain('hint: dvd config cache.type hardlink,copy');
  });

  it('reflink alone on a file system that cannot clone: checkout names the fix', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a.csv': 'a\n' });
    dvdOk(repo, ['add', 'data']);
    setConfig(repo, '[cache]\n\ttype = reflink\n');
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    const r = dvd(repo, ['checkout']);
    // (On a file system with clones - btrfs, xfs - this checkout simply works.)
    if (r.code === 0) return;
    expect(r.stderr).toMatch(/^error: checkout data\/a\.csv: reflink is not supported here \(.*\); add copy to cache\.type$/m);
    expect(r.stderr).not.toMatch(RAW_ERRNO);
  });
});

describe('file system errors in plain words', () => {
  const { mnt, mounted } = tinyTmpfs('8m');

  it.skipIf(!mounted)('a cache on a read-only file system: add says so and changes nothing', () => {
    const repo = tempRepo();
    const cache = path.join(mnt, 'ro');
    fs.mkdirSync(path.join(cache, 'tmp'), { recursive: true });
    setConfig(repo, `[cache]\n\tdir = ${cache}\n`);
    writeFiles(repo, { 'data/a.csv': 'a\n' });
    expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
    try {
      const r = dvd(repo, ['add', 'data']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/read-only file system/);
      expect(r.stderr).not.toMatch(RAW_ERRNO);
      expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    } finally {
      spawnSync('mount', ['-o', 'remount,rw', mnt]);
    }
  });

  it('a name too long for the file system: checkout names the file and the reason', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/short': 'x' });
    dvdOk(repo, ['add', 'data']);
    // A manifest made elsewhere (a file system with longer names) lists a 300-byte name.
    const long = 'n'.repeat(300);
    const manifest = `dvd-manifest 1\n${sha('x')} 1 - ${long}\n`;
    const oid = sha(manifest);
    const obj = path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2));
    fs.mkdirSync(path.dirname(obj), { recursive: true });
    fs.writeFileSync(obj, manifest);
    fs.writeFileSync(path.join(repo, 'data.dvd'), `path: data\ntype: dir\noid: sha256:${oid}\nsize: 1\nfiles: 1\n`);
    const r = dvd(repo, ['checkout', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`data/${long}: file name too long for this file system`);
    expect(r.stderr).not.toMatch(RAW_ERRNO);
  });
});

describe('explainFsError: one table from errno to words', () => {
  const sys = (code: string) => Object.assign(new Error(`${code}: raw text, link 'a' -> 'b'`), { code, syscall: 'link', path: '/x/a' });
  const cases: Record<string, RegExp> = {
    ENOSPC: /no space left on device/,
    EDQUOT: /disk quota exceeded/,
    EACCES: /permission denied/,
    EPERM: /operation not permitted/,
    EROFS: /read-only file system/,
    EMLINK: /too many links/,
    ENAMETOOLONG: /file name too long/,
    ENOTDIR: /is a file, not a folder/,
    EISDIR: /is a folder, not a file/,
    ELOOP: /too many levels of symbolic links/,
    EXDEV: /across file systems/,
    EIO: /input\/output error/,
    EMFILE: /too many open files/,
    EFBIG: /too large for this file system/,
    EOPNOTSUPP: /not supported by this file system/,
  };
  for (const [code, words] of Object.entries(cases)) {
    it(`${code}: names the action and the file, keeps the code`, () => {
      const e = explainFsError(sys(code), 'checkout', 'data/a.csv');
      expect(e).toBeInstanceOf(DvdError);
      expect((e as DvdError).code).toBe(code);
      expect((e as DvdError).message).toMatch(new RegExp(`^checkout data/a\\.csv: .*${words.source}`));
      expect((e as DvdError).message).not.toMatch(RAW_ERRNO);
    });
  }

  it('leaves errors it does not know, and dvd\'s own, as they are', () => {
    const own = new DvdError('EX', 'x');
    expect(explainFsError(own, 'add', 'f')).toBe(own);
    const odd = Object.assign(new Error('EWHATEVER: odd'), { code: 'EWHATEVER' });
    expect((explainFsError(odd, 'add', 'f') as Error).message).toBe('add f: EWHATEVER: odd');
  });
});
