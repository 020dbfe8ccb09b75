import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePointer, serializePointer } from '../src/core/pointer.js';
import { dvd, dvdOk, git, tempDir, tempRepo, writeFiles } from './helpers.js';

// Issue 9 B9: a single-file pointer records the executable bit as manifests do, and a
// checkout with nothing to do changes nothing on disk.

const OID = 'c'.repeat(64);

/** What a checkout must not change: mode, content times, inode. */
function diskState(file: string) {
  const st = fs.lstatSync(file);
  return { mode: st.mode, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

describe('executable bit of single-file targets', () => {
  it('pointer: `exec: true` after size, omitted when false, only for files', () => {
    const text = `path: run.sh\ntype: file\noid: sha256:${OID}\nsize: 3\nexec: true\n`;
    const p = parsePointer(text, 'run.sh.dvd');
    expect(p).toEqual({ path: 'run.sh', type: 'file', oid: OID, size: 3, exec: true });
    expect(serializePointer(p)).toBe(text);
    expect(serializePointer({ ...p, exec: false })).toBe(text.replace('exec: true\n', ''));
    expect(() => parsePointer(text.replace('exec: true', 'exec: false'), 'x.dvd')).toThrow(/x\.dvd:5: exec: .*omit/);
    expect(() => parsePointer(text.replace('exec: true', 'exec: yes'), 'x.dvd')).toThrow(/x\.dvd:5: exec/);
    expect(() => parsePointer(text.replace('size: 3\nexec: true', 'exec: true\nsize: 3'), 'x.dvd')).toThrow(/x\.dvd:4: exec: out of order/);
    const dir = `path: d\ntype: dir\noid: sha256:${OID}\nsize: 3\nexec: true\nfiles: 1\n`;
    expect(() => parsePointer(dir, 'd.dvd')).toThrow(/d\.dvd:5: exec: only allowed for type file/);
  });

  it('add records the bit, a no-op checkout changes nothing on disk, checkout restores it', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'run.sh': '#!/bin/sh\necho hi\n', 'plain.txt': 'p', 'tools/x.sh': 'x', 'tools/y.txt': 'y' });
    fs.chmodSync(path.join(repo, 'run.sh'), 0o755);
    fs.chmodSync(path.join(repo, 'tools/x.sh'), 0o755);
    dvdOk(repo, ['add', 'run.sh', 'plain.txt', 'tools']);
    expect(fs.readFileSync(path.join(repo, 'run.sh.dvd'), 'utf8')).toMatch(/\nsize: 18\nexec: true\n$/);
    expect(fs.readFileSync(path.join(repo, 'plain.txt.dvd'), 'utf8')).not.toContain('exec');
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');

    const files = ['run.sh', 'plain.txt', 'tools/x.sh', 'tools/y.txt'];
    const before = files.map((f) => diskState(path.join(repo, f)));
    const r = dvdOk(repo, ['checkout']);
    expect(r.stdout).toBe('Nothing to check out: the workspace matches 3 pointers.\n');
    expect(files.map((f) => diskState(path.join(repo, f)))).toEqual(before);
    expect(fs.statSync(path.join(repo, 'run.sh')).mode & 0o777).toBe(0o755);

    // The bit is data: losing it is a change status reports and checkout undoes.
    fs.chmodSync(path.join(repo, 'run.sh'), 0o644);
    const st = dvdOk(repo, ['status']).stdout;
    expect(st).toContain('modified: run.sh');
    dvdOk(repo, ['checkout', '-f']);
    expect(fs.statSync(path.join(repo, 'run.sh')).mode & 0o111).not.toBe(0);
    fs.rmSync(path.join(repo, 'run.sh'));
    dvdOk(repo, ['checkout']);
    expect(fs.statSync(path.join(repo, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(path.join(repo, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');

    // Commit records a change of the bit alone.
    fs.chmodSync(path.join(repo, 'plain.txt'), 0o755);
    dvdOk(repo, ['commit']);
    expect(fs.readFileSync(path.join(repo, 'plain.txt.dvd'), 'utf8')).toMatch(/exec: true\n$/);
  });

  it('a clone pulls the file executable; dvd get keeps the bit', () => {
    const repo = tempRepo();
    const store = tempDir('dvd-store-');
    writeFiles(repo, { 'run.sh': '#!/bin/sh\n' });
    fs.chmodSync(path.join(repo, 'run.sh'), 0o755);
    dvdOk(repo, ['add', 'run.sh']);
    dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
    dvdOk(repo, ['push']);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'x');
    const dir = tempDir('dvd-clone-');
    git(path.dirname(dir), 'clone', '-q', repo, dir);
    dvdOk(dir, ['pull']);
    expect(fs.statSync(path.join(dir, 'run.sh')).mode & 0o111).not.toBe(0);
    const out = tempDir('dvd-get-');
    dvdOk(out, ['get', repo, 'run.sh']);
    expect(fs.statSync(path.join(out, 'run.sh')).mode & 0o111).not.toBe(0);
  });

  it('with hardlink cache type the bit comes from the pointer, not the read-only cache file', () => {
    const repo = tempRepo();
    dvdOk(repo, ['config', 'cache.type', 'hardlink']);
    writeFiles(repo, { 'run.sh': 'r' });
    fs.chmodSync(path.join(repo, 'run.sh'), 0o755);
    dvdOk(repo, ['add', 'run.sh']);
    expect(fs.readFileSync(path.join(repo, 'run.sh.dvd'), 'utf8')).toContain('exec: true');
    // The workspace file is now the cache object (0444): a re-commit keeps the bit.
    dvdOk(repo, ['commit', '-f']);
    expect(fs.readFileSync(path.join(repo, 'run.sh.dvd'), 'utf8')).toContain('exec: true');
    expect(dvd(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
  });
});
