import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePointer, serializePointer } from '../src/core/pointer.js';
import { dvd, dvdOk, git, seededBytes, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

// Issue 9 B5: a clone made with core.autocrlf=true (the Git for Windows default) has
// CRLF pointers, and editors strip final newlines. Both carry the same fields.

const OID = 'b'.repeat(64);
const lf = `path: images\ntype: dir\noid: sha256:${OID}\nsize: 10\nfiles: 2\n`;

describe('pointer line endings', () => {
  it('parses CRLF and a missing final newline to the same pointer; writes LF', () => {
    const want = parsePointer(lf, 'x.dvd');
    expect(parsePointer(lf.replace(/\n/g, '\r\n'), 'x.dvd')).toEqual(want);
    expect(parsePointer(lf.slice(0, -1), 'x.dvd')).toEqual(want);
    expect(parsePointer(lf.replace(/\n/g, '\r\n').slice(0, -2), 'x.dvd')).toEqual(want);
    expect(serializePointer(parsePointer(lf.replace(/\n/g, '\r\n'), 'x.dvd'))).toBe(lf);
    // A lone CR inside a line is not a line ending: still refused.
    expect(() => parsePointer(lf.replace('size: 10', 'size: 10\r '), 'x.dvd')).toThrow(/x\.dvd:4: /);
    expect(() => parsePointer(lf.replace('\n', '\r\r\n'), 'x.dvd')).toThrow(/x\.dvd:1/);
  });

  it('dvd init writes `*.dvd text eol=lf` to .gitattributes once, keeping other lines', () => {
    const repo = tempRepo({ dvdInit: false });
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.png binary');
    dvdOk(repo, ['init']);
    expect(fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8')).toBe('*.png binary\n*.dvd text eol=lf\n');
    fs.rmSync(path.join(repo, '.dvd'), { recursive: true });
    dvdOk(repo, ['init']);
    expect(fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8')).toBe('*.png binary\n*.dvd text eol=lf\n');
    // dvd install adds it too (a repository initialized before this rule), and keeps it on --uninstall.
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.png binary\n');
    dvdOk(repo, ['install']);
    const text = fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8');
    expect(text.split('\n').filter((l) => l === '*.dvd text eol=lf')).toHaveLength(1);
    dvdOk(repo, ['install']);
    expect(fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8')).toBe(text);
    dvdOk(repo, ['install', '--uninstall']);
    expect(fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8')).toBe('*.png binary\n*.dvd text eol=lf\n');
  });

  it('a clone with core.autocrlf=true and no .gitattributes (a repo from before): pull fetches everything, status is clean', () => {
    const repo = tempRepo();
    const store = tempDir('dvd-store-');
    writeFiles(repo, { 'data/a.bin': seededBytes(1, 3000), 'data/b.txt': 'b\n', 'model.bin': seededBytes(2, 500) });
    dvdOk(repo, ['add', 'data', 'model.bin']);
    dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
    dvdOk(repo, ['push']);
    fs.rmSync(path.join(repo, '.gitattributes'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'data');

    const dir = tempDir('dvd-clone-');
    git(path.dirname(dir), 'clone', '-q', '-c', 'core.autocrlf=true', repo, dir);
    // Git really converted the pointers.
    expect(fs.readFileSync(path.join(dir, 'data.dvd'), 'utf8')).toContain('\r\n');
    dvdOk(dir, ['pull']);
    expect(treeHashes(path.join(dir, 'data'))).toEqual(treeHashes(path.join(repo, 'data')));
    expect(fs.readFileSync(path.join(dir, 'model.bin'))).toEqual(fs.readFileSync(path.join(repo, 'model.bin')));
    const st = dvdOk(dir, ['status']);
    expect(st.stdout).toBe('Data and pointers are up to date.\n');
    // A commit with nothing changed leaves the CRLF pointer alone (no churn for Git).
    const before = fs.readFileSync(path.join(dir, 'data.dvd'), 'utf8');
    dvdOk(dir, ['commit']);
    expect(fs.readFileSync(path.join(dir, 'data.dvd'), 'utf8')).toBe(before);
    // A change is written back with LF.
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'changed\n');
    dvdOk(dir, ['commit']);
    expect(fs.readFileSync(path.join(dir, 'data.dvd'), 'utf8')).not.toContain('\r');
  });

  it('with the .gitattributes dvd init writes, an autocrlf clone gets LF pointers', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'model.bin': 'm' });
    dvdOk(repo, ['add', 'model.bin']);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'data');
    const dir = tempDir('dvd-clone-');
    git(path.dirname(dir), 'clone', '-q', '-c', 'core.autocrlf=true', repo, dir);
    expect(fs.readFileSync(path.join(dir, 'model.bin.dvd'), 'utf8')).toBe(fs.readFileSync(path.join(repo, 'model.bin.dvd'), 'utf8'));
  });

  it('a pointer whose final newline an editor stripped still works in every command', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    dvdOk(repo, ['add', 'data']);
    const p = path.join(repo, 'data.dvd');
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/\n$/, ''));
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('A');
    expect(dvd(repo, ['commit']).code).toBe(0);
  });

  it('the merge driver takes a side that differs only in line endings as unchanged', () => {
    const repo = tempRepo();
    const dir = tempDir('dvd-merge-');
    const base = `path: model.bin\ntype: file\noid: sha256:${OID}\nsize: 1\n`;
    const theirs = base.replace('size: 1', 'size: 2');
    fs.writeFileSync(path.join(dir, 'base'), base);
    fs.writeFileSync(path.join(dir, 'ours'), base.replace(/\n/g, '\r\n'));
    fs.writeFileSync(path.join(dir, 'theirs'), theirs);
    dvdOk(repo, ['merge-driver', path.join(dir, 'base'), path.join(dir, 'ours'), path.join(dir, 'theirs'), 'model.bin.dvd']);
    expect(fs.readFileSync(path.join(dir, 'ours'), 'utf8')).toBe(theirs);
  });
});
