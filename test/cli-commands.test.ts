import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles, removedAfterEach } from './helpers.js';

// Issue 11, item 5: remove (DVC's name for untrack), move, unprotect, cache dir.

const cleanup = removedAfterEach();

function repo(): string {
  const r = tempRepo();
  cleanup(r);
  return r;
}

const read = (r: string, p: string) => fs.readFileSync(path.join(r, p), 'utf8');

describe('dvd remove', { timeout: 120_000 }, () => {
  it('is untrack under DVC\'s name: pointer and .gitignore line go, data stays', () => {
    const r = repo();
    writeFiles(r, { 'data/a.csv': 'a\n', 'model.bin': 'weights' });
    dvdOk(r, ['add', 'data', 'model.bin']);
    const out = dvdOk(r, ['remove', 'data']).stdout;
    expect(out).toContain('untracked data (removed data.dvd)');
    expect(fs.existsSync(path.join(r, 'data.dvd'))).toBe(false);
    expect(read(r, '.gitignore')).toBe('/model.bin\n');
    expect(read(r, 'data/a.csv')).toBe('a\n');
    dvdOk(r, ['untrack', 'model.bin']);
    expect(fs.existsSync(path.join(r, 'model.bin.dvd'))).toBe(false);
  });
});

describe('dvd move', { timeout: 120_000 }, () => {
  it('moves data, pointer and .gitignore line together, into another folder too', () => {
    const r = repo();
    writeFiles(r, { 'data/raw/a.csv': 'a\n', 'data/raw/b.csv': 'bb\n', 'model.bin': 'weights', 'data/keep.txt': 'x' });
    dvdOk(r, ['add', 'data/raw', 'model.bin']);
    const rawPointer = read(r, 'data/raw.dvd');
    const before = treeHashes(path.join(r, 'data/raw'));
    git(r, 'add', '-A');
    git(r, 'commit', '-qm', 'v1');

    const out = dvdOk(r, ['move', 'data/raw', 'archive/2024/raw-v1']).stdout;
    expect(out).toContain('moved data/raw -> archive/2024/raw-v1\n');
    expect(out).toContain('git add data/raw.dvd archive/2024/raw-v1.dvd data/.gitignore archive/2024/.gitignore');
    expect(treeHashes(path.join(r, 'archive/2024/raw-v1'))).toEqual(before);
    expect(fs.existsSync(path.join(r, 'data/raw'))).toBe(false);
    expect(fs.existsSync(path.join(r, 'data/raw.dvd'))).toBe(false);
    // Same pointer, renamed: only `path` changed.
    expect(read(r, 'archive/2024/raw-v1.dvd')).toBe(rawPointer.replace('path: raw\n', 'path: raw-v1\n'));
    expect(fs.existsSync(path.join(r, 'data/.gitignore'))).toBe(false);
    expect(read(r, 'archive/2024/.gitignore')).toBe('/raw-v1\n');
    expect(dvdOk(r, ['status']).stdout).toBe('Data and pointers are up to date.\n');

    // Into an existing folder: keeps its name, like mv.
    fs.mkdirSync(path.join(r, 'models'));
    dvdOk(r, ['move', 'model.bin.dvd', 'models']);
    expect(read(r, 'models/model.bin')).toBe('weights');
    expect(read(r, 'models/.gitignore')).toBe('/model.bin\n');
    expect(fs.existsSync(path.join(r, '.gitignore'))).toBe(false);

    // The moved data checks out again from the cache after a delete.
    fs.rmSync(path.join(r, 'archive/2024/raw-v1'), { recursive: true });
    dvdOk(r, ['checkout']);
    expect(treeHashes(path.join(r, 'archive/2024/raw-v1'))).toEqual(before);
  });

  it('refuses, changing nothing, when DST exists, is inside tracked data, or SRC is not a target', () => {
    const r = repo();
    writeFiles(r, { 'data/a.csv': 'a\n', 'other/x': 'x', 'model.bin': 'w' });
    dvdOk(r, ['add', 'data', 'model.bin']);
    const snapshot = () => JSON.stringify(treeHashes(r));
    const before = snapshot();
    expect(dvd(r, ['move', 'data', 'other/x']).stderr).toContain('other/x: already exists');
    expect(dvd(r, ['move', 'model.bin', 'data/m.bin']).stderr).toContain('inside data, which dvd already tracks');
    expect(dvd(r, ['move', 'data/a.csv', 'b.csv']).stderr).toContain('data/a.csv: not a tracked target (it is inside data)');
    expect(dvd(r, ['move', 'other', 'o2']).stderr).toContain('not tracked by dvd');
    expect(dvd(r, ['move', 'data', 'data/sub']).stderr).toContain('inside data, which is being moved');
    expect(dvd(r, ['move', 'model.bin', '../outside']).stderr).toContain('outside the repository');
    expect(snapshot()).toBe(before);
  });
});

describe('dvd unprotect', { timeout: 120_000 }, () => {
  it('turns cache links into writable private copies; the cache object is never touched', () => {
    const r = repo();
    dvdOk(r, ['config', 'cache.type', 'hardlink']);
    writeFiles(r, { 'data/a.csv': 'a\n', 'data/b.csv': 'b\n', 'model.bin': 'weights' });
    dvdOk(r, ['add', 'data', 'model.bin']);
    const modelObj = path.join(r, '.dvd/cache/sha256', ...(() => {
      const oid = /oid: sha256:([0-9a-f]{64})/.exec(read(r, 'model.bin.dvd'))![1];
      return [oid.slice(0, 2), oid.slice(2)];
    })());
    expect(fs.statSync(path.join(r, 'model.bin')).ino).toBe(fs.statSync(modelObj).ino);
    expect(fs.statSync(path.join(r, 'model.bin')).mode & 0o222).toBe(0); // read-only (root could write anyway)

    expect(dvdOk(r, ['unprotect', 'model.bin', 'data/a.csv']).stdout).toBe(
      'unprotected model.bin (1 file copied out of the cache)\nunprotected data/a.csv (1 file copied out of the cache)\n',
    );
    expect(fs.statSync(path.join(r, 'model.bin')).ino).not.toBe(fs.statSync(modelObj).ino);
    expect(fs.statSync(path.join(r, 'model.bin')).mode & 0o200).toBe(0o200);
    fs.writeFileSync(path.join(r, 'model.bin'), 'new weights');
    expect(fs.readFileSync(modelObj, 'utf8')).toBe('weights');
    expect(fs.statSync(path.join(r, 'data/b.csv')).mode & 0o222).toBe(0); // not named: still protected
    expect(dvdOk(r, ['status']).stdout).toContain('model.bin.dvd:\n\tmodified: model.bin');
    expect(dvdOk(r, ['unprotect', 'data/a.csv']).stdout).toBe('data/a.csv: already writable (not linked to the cache)\n');
    expect(dvd(r, ['unprotect', 'nope.txt']).stderr).toContain('nope.txt: not tracked by dvd');
  });
});

describe('dvd cache dir', { timeout: 120_000 }, () => {
  it('shows the cache folder and sets cache.dir relative to .dvd/', () => {
    const r = repo();
    expect(dvdOk(r, ['cache', 'dir']).stdout).toBe(`${fs.realpathSync(r)}/.dvd/cache\n`.replace(fs.realpathSync(r), r));
    const shared = tempDir('dvd-shared-cache-');
    cleanup(shared);
    fs.mkdirSync(path.join(r, 'sub'));
    dvdOk(path.join(r, 'sub'), ['cache', 'dir', path.relative(path.join(r, 'sub'), shared)]);
    expect(dvdOk(r, ['config', 'cache.dir']).stdout).toBe(`${path.relative(path.join(r, '.dvd'), shared)}\n`);
    expect(dvdOk(r, ['cache', 'dir']).stdout).toBe(`${shared}\n`);
    writeFiles(r, { 'f.txt': 'hello' });
    dvdOk(r, ['add', 'f.txt']);
    expect(fs.readdirSync(path.join(shared, 'sha256')).length).toBe(1);
    dvdOk(r, ['cache', 'dir', '--unset']);
    expect(dvdOk(r, ['cache', 'dir']).stdout).toBe(`${r}/.dvd/cache\n`);
  });
});
