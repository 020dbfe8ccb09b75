import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempRepo, treeHashes, writeFiles } from './helpers.js';

// Issue 9 B7 (names a pointer, a manifest or a .gitignore line cannot hold) and B12 (a
// user's symlink inside tracked data is a problem of its pointer, not of the repository).

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

/** Everything dvd may write: workspace (without the data folders), .dvd, and the cache. */
function snapshot(repo: string): Record<string, string> {
  const all = treeHashes(repo);
  for (const k of Object.keys(all)) if (k.startsWith('.git/') || k.startsWith('.dvd/state')) delete all[k];
  return all;
}

describe('a symlink (or a fifo) inside tracked data', { timeout: 120_000 }, () => {
  function repoWithLink() {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A', 'data/b': 'B', 'other/o': 'o', 'model.bin': 'm' });
    dvdOk(repo, ['add', 'data', 'other', 'model.bin']);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'v1');
    fs.symlinkSync('/etc/hostname', path.join(repo, 'data/link'));
    return repo;
  }
  const LINK = /data\/link: .*symbolic link.*data\.dvd|data\.dvd.*data\/link: .*symbolic link/;

  it('status reports it as a problem of data.dvd and still shows every other change', () => {
    const repo = repoWithLink();
    fs.writeFileSync(path.join(repo, 'data/a'), 'A2');
    fs.writeFileSync(path.join(repo, 'other/o'), 'o2');
    const r = dvd(repo, ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(LINK);
    expect(r.stdout).toContain('modified: data/a');
    expect(r.stdout).toContain('modified: other/o');
    expect(r.stdout).not.toContain('link');
  });

  it('commit refuses to store it, leaves data.dvd as it was and commits the others; add of other targets works', () => {
    const repo = repoWithLink();
    fs.writeFileSync(path.join(repo, 'data/a'), 'A2');
    fs.writeFileSync(path.join(repo, 'other/o'), 'o2');
    const before = read(repo, 'data.dvd');
    const r = dvd(repo, ['commit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(LINK);
    expect(read(repo, 'data.dvd')).toBe(before);
    expect(read(repo, 'other.dvd')).not.toBe(git(repo, 'show', 'HEAD:other.dvd'));
    writeFiles(repo, { 'fresh/f': 'f' });
    dvdOk(repo, ['add', 'fresh']);
    // Adding the folder itself is refused up front, naming the link.
    const add = dvd(repo, ['add', 'data']);
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/data\/link: .*symbolic link/);
    expect(read(repo, 'data.dvd')).toBe(before);
  });

  it('checkout leaves that target alone (the link is not dvd\'s to delete) and checks out the rest', () => {
    const repo = repoWithLink();
    fs.rmSync(path.join(repo, 'model.bin'));
    fs.rmSync(path.join(repo, 'data/b'));
    const r = dvd(repo, ['checkout', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(LINK);
    expect(read(repo, 'model.bin')).toBe('m');
    expect(fs.readlinkSync(path.join(repo, 'data/link'))).toBe('/etc/hostname');
    expect(fs.existsSync(path.join(repo, 'data/b'))).toBe(false);
  });

  it('untrack keeps the user\'s link a link (it replaces only links into the cache)', () => {
    const repo = repoWithLink();
    dvdOk(repo, ['config', 'cache.type', 'symlink']);
    dvdOk(repo, ['checkout', '--relink', 'other']);
    expect(fs.lstatSync(path.join(repo, 'other/o')).isSymbolicLink()).toBe(true);
    dvdOk(repo, ['untrack', 'data', 'other']);
    expect(fs.readlinkSync(path.join(repo, 'data/link'))).toBe('/etc/hostname');
    expect(fs.lstatSync(path.join(repo, 'other/o')).isFile()).toBe(true);
    expect(read(repo, 'other/o')).toBe('o');
  });

  it('a fifo is reported the same way instead of hanging or failing everything', () => {
    const repo = repoWithLink();
    fs.rmSync(path.join(repo, 'data/link'));
    if (spawnSync('mkfifo', [path.join(repo, 'data/pipe')]).status !== 0) return;
    fs.writeFileSync(path.join(repo, 'other/o'), 'o2');
    const r = dvd(repo, ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\/pipe: not a regular file or folder/);
    expect(r.stdout).toContain('modified: other/o');
  });
});

describe('names dvd cannot record', { timeout: 120_000 }, () => {
  it('refuses file and folder targets whose name holds a newline, CR, backslash or line separator; nothing written', () => {
    const repo = tempRepo();
    const names = ['two\nlines', 'cr\rname', 'back\\slash', 'sep\u2028x'];
    for (const n of names) writeFiles(repo, { [n]: 'x', [`dir-${n}/f`]: 'y' });
    writeFiles(repo, { lines: 'an unrelated file called lines' });
    const before = snapshot(repo);
    for (const n of names) {
      for (const target of [n, `dir-${n}`]) {
        const r = dvd(repo, ['add', target]);
        expect(r.code, JSON.stringify(target)).toBe(1);
        expect(r.stderr, JSON.stringify(target)).toMatch(/cannot be tracked: its name contains/);
        expect(snapshot(repo), JSON.stringify(target)).toEqual(before);
      }
    }
    expect(fs.existsSync(path.join(repo, '.gitignore'))).toBe(false);
  });

  it('refuses such names inside a folder up front, for every target of the command', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'good/g': 'g', 'data/ok': 'ok', 'data/sub/two\nlines': 'x', 'data/sep\u2029y': 'y' });
    const before = snapshot(repo);
    const r = dvd(repo, ['add', 'good', 'data']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(JSON.stringify('data/sub/two\nlines'));
    // (Escaped: a raw separator would break the line on the terminal.)
    expect(r.stderr).toContain('"data/sep\\u2029y"');
    // Not even the good target was stored: the command changed nothing.
    expect(snapshot(repo)).toEqual(before);
    expect(fs.existsSync(path.join(repo, '.dvd/cache/sha256'))).toBe(false);
  });

  it('a name that is not UTF-8 is refused instead of silently left out', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/ok': 'ok' });
    const raw = Buffer.concat([Buffer.from(path.join(repo, 'data') + '/caf'), Buffer.from([0xe9])]);
    fs.writeFileSync(raw, 'latin-1 name');
    const r = dvd(repo, ['add', 'data']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid UTF-8/);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    // Appearing later inside tracked data: a problem of its pointer, not of the repository.
    fs.rmSync(raw);
    writeFiles(repo, { 'other/o': 'o' });
    dvdOk(repo, ['add', 'data', 'other']);
    fs.writeFileSync(raw, 'latin-1 name');
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(/data\.dvd.*not valid UTF-8|not valid UTF-8.*data\.dvd/);
    const cm = dvd(repo, ['commit']);
    expect(cm.code).toBe(1);
    expect(cm.stderr).toMatch(/not valid UTF-8/);
  });

  it('names .gitignore treats specially are escaped: each line ignores exactly its target', () => {
    const repo = tempRepo();
    const names = ['#hash', '!bang', 'trailing ', 'a*b', '[x]', 'q?', ' lead'];
    for (const n of names) writeFiles(repo, { [n]: n });
    writeFiles(repo, { axb: 'lookalike', 'x': 'lookalike', 'qz': 'lookalike', 'trailing': 'lookalike', 'lead': 'lookalike', hash: 'lookalike', bang: 'lookalike' });
    dvdOk(repo, ['add', ...names]);
    const ignored = git(repo, 'status', '--porcelain', '--ignored', '-z').split('\0').filter((l) => l.startsWith('!! ') && !l.startsWith('!! .dvd/')).map((l) => l.slice(3)).sort();
    expect(ignored).toEqual([...names].sort());
    for (const n of names) expect(read(repo, `${n}.dvd`)).toContain('type: file');
    // And they come back from the cache.
    for (const n of names) fs.rmSync(path.join(repo, n));
    dvdOk(repo, ['checkout']);
    for (const n of names) expect(read(repo, n)).toBe(n);
  });
});
