import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, seededBytes, tempRepo, treeHashes, writeFiles } from './helpers.js';

function makeDataset(dir: string, n: number, seed = 1): void {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < n; i++) files[`data/d${i % 7}/sub${i % 3}/f${i}.bin`] = seededBytes(seed * 100000 + i, 200 + (i % 50));
  writeFiles(dir, files);
}

describe('core flow: add, status, commit, checkout across Git commits', () => {
  it('v1 -> v2 -> v1 round trip over many files is byte-for-byte and touches only what changed', () => {
    const repo = tempRepo();
    makeDataset(repo, 600);
    const add = dvdOk(repo, ['add', 'data']);
    expect(add.stdout).toMatch(/added data \(600 files/);
    expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('/data\n');
    const pointer = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    expect(pointer).toMatch(/^path: data\ntype: dir\noid: sha256:[0-9a-f]{64}\nsize: \d+\nfiles: 600\n$/);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    const v1 = treeHashes(path.join(repo, 'data'));
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');

    // Edit, delete and create files.
    fs.appendFileSync(path.join(repo, 'data/d0/sub0/f0.bin'), 'changed');
    fs.rmSync(path.join(repo, 'data/d1/sub1/f1.bin'));
    writeFiles(repo, { 'data/new/file.txt': 'new file\n' });
    const st = JSON.parse(dvdOk(repo, ['status', '--json']).stdout);
    expect(st.targets).toHaveLength(1);
    expect(st.targets[0]).toMatchObject({
      target: 'data',
      state: 'modified',
      added: ['data/new/file.txt'],
      modified: ['data/d0/sub0/f0.bin'],
      deleted: ['data/d1/sub1/f1.bin'],
    });
    const human = dvdOk(repo, ['status']).stdout;
    expect(human).toContain('added:    data/new/file.txt');
    expect(human).toContain('modified: data/d0/sub0/f0.bin');
    expect(human).toContain('deleted:  data/d1/sub1/f1.bin');

    dvdOk(repo, ['commit']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).not.toBe(pointer);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    git(repo, 'commit', '-qam', 'v2');
    const v2 = treeHashes(path.join(repo, 'data'));

    git(repo, 'checkout', '-q', 'HEAD~1');
    const co = dvdOk(repo, ['checkout']);
    // 1 modified + 1 deleted restored, 1 added removed; the other 598 untouched.
    expect(co.stdout).toBe('data: 2 written, 1 removed, 598 unchanged\n');
    expect(treeHashes(path.join(repo, 'data'))).toEqual(v1);
    expect(fs.existsSync(path.join(repo, 'data/new'))).toBe(false);

    git(repo, 'checkout', '-q', 'main');
    dvdOk(repo, ['checkout']);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(v2);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
  });

  it('checks out into an empty workspace and restores a deleted target', () => {
    const repo = tempRepo();
    makeDataset(repo, 50);
    dvdOk(repo, ['add', 'data']);
    const before = treeHashes(path.join(repo, 'data'));
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    expect(JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0].state).toBe('missing');
    dvdOk(repo, ['checkout']);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
  });

  it('tracks single files, several targets and globs; re-add equals commit', () => {
    const repo = tempRepo();
    writeFiles(repo, {
      'model.bin': seededBytes(7, 5000),
      'raw/a.csv': 'a\n1\n',
      'raw/b.csv': 'b\n2\n',
      'raw/c.txt': 'not csv\n',
      'other/x': 'x',
      'other2/y': 'y',
    });
    dvdOk(repo, ['add', 'model.bin', 'other', 'other2']);
    expect(fs.readFileSync(path.join(repo, 'model.bin.dvd'), 'utf8')).toMatch(/^path: model\.bin\ntype: file\noid: sha256:[0-9a-f]{64}\nsize: 5000\n$/);
    expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('/model.bin\n/other\n/other2\n');
    dvdOk(repo, ['add', '--glob', 'raw/*.csv']);
    expect(fs.existsSync(path.join(repo, 'raw/a.csv.dvd'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'raw/b.csv.dvd'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'raw/c.txt.dvd'))).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'raw/.gitignore'), 'utf8')).toBe('/a.csv\n/b.csv\n');

    // Re-adding an unchanged target changes nothing and duplicates no ignore line.
    expect(dvdOk(repo, ['add', 'model.bin']).stdout).toMatch(/^unchanged model\.bin/);
    expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('/model.bin\n/other\n/other2\n');
    // Re-adding a changed target records it, like commit.
    fs.writeFileSync(path.join(repo, 'model.bin'), 'v2');
    expect(dvdOk(repo, ['add', 'model.bin']).stdout).toMatch(/^added model\.bin \(2 B\)/);
    expect(fs.readFileSync(path.join(repo, 'model.bin.dvd'), 'utf8')).toContain('size: 2\n');

    // checkout of one target restores only that target.
    fs.writeFileSync(path.join(repo, 'other/x'), 'changed-but-cached?');
    fs.rmSync(path.join(repo, 'model.bin'));
    fs.rmSync(path.join(repo, 'other2/y'));
    const r = dvd(repo, ['checkout', 'model.bin']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'model.bin'), 'utf8')).toBe('v2');
    expect(fs.existsSync(path.join(repo, 'other2/y'))).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'other/x'), 'utf8')).toBe('changed-but-cached?');
  });

  it('keeps the executable bit and restores it', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'tools/run.sh': '#!/bin/sh\necho hi\n', 'tools/data.txt': 'plain' });
    fs.chmodSync(path.join(repo, 'tools/run.sh'), 0o755);
    dvdOk(repo, ['add', 'tools']);
    fs.rmSync(path.join(repo, 'tools'), { recursive: true });
    dvdOk(repo, ['checkout']);
    expect(fs.statSync(path.join(repo, 'tools/run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.statSync(path.join(repo, 'tools/data.txt')).mode & 0o111).toBe(0);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
  });

  it('untrack keeps the data and removes pointer and ignore line', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A', 'data/b': 'B' });
    dvdOk(repo, ['add', 'data']);
    const before = treeHashes(path.join(repo, 'data'));
    dvdOk(repo, ['untrack', 'data']);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    expect(fs.existsSync(path.join(repo, '.gitignore')) ? fs.readFileSync(path.join(repo, '.gitignore'), 'utf8') : '').toBe('');
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
    expect(dvdOk(repo, ['status']).stdout).toBe('No data tracked by dvd.\n');
  });

  it('verify finds and quarantines a damaged object, and checkout then reports it missing', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'm.bin': 'model weights' });
    dvdOk(repo, ['add', 'm.bin']);
    const oid = /oid: sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(repo, 'm.bin.dvd'), 'utf8'))![1];
    const obj = path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2));
    expect(fs.statSync(obj).mode & 0o777).toBe(0o444);
    expect(dvdOk(repo, ['verify']).stdout).toBe('verified 1 object (13 B): 0 damaged\n');
    fs.chmodSync(obj, 0o644);
    fs.writeFileSync(obj, 'model weightz');
    const v = dvd(repo, ['verify']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(`damaged: sha256:${oid}`);
    expect(fs.existsSync(obj)).toBe(false);
    fs.rmSync(path.join(repo, 'm.bin'));
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain(`m.bin (sha256:${oid}, needed by m.bin.dvd)`);
    expect(co.stderr).toContain('dvd pull');
  });

  it('stat cache: an unchanged file is not hashed again, a touched one is', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A', 'data/b': 'B' });
    // Back-date the files so they are not "racy" (mtime too close to the state save).
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(repo, 'data/a'), old, old);
    fs.utimesSync(path.join(repo, 'data/b'), old, old);
    dvdOk(repo, ['add', 'data']);
    // Replace content behind the stat cache's back, keeping size and mtime and inode:
    // only a trusting stat cache would miss this, which proves it is consulted.
    const fd = fs.openSync(path.join(repo, 'data/a'), 'r+');
    fs.writeSync(fd, 'Z', 0);
    fs.closeSync(fd);
    fs.utimesSync(path.join(repo, 'data/a'), old, old);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    // A changed mtime makes it hash again and see the change.
    fs.utimesSync(path.join(repo, 'data/a'), new Date(), new Date(Date.now() - 30_000));
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
  });
});
