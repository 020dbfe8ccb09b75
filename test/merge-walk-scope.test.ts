import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, storedOids, tempDir, tempRepo, writeFiles } from './helpers.js';

// Where issue 9's branches meet: the walk's scope, .dvdignore and dvd's own links (A2,
// B11, B13) together with links as problems of their pointer and one bad pointer not
// blocking the rest (B6, B12), and gc across linked worktrees (D17) with B6's exception.

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

describe('scoped walks, ignore rules and links', { timeout: 120_000 }, () => {
  function dataRepo() {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a.csv': 'a1', 'data/sub/c.csv': 'c1', 'other/o': 'o1' });
    dvdOk(repo, ['add', 'data', 'other']);
    commitAll(repo, 'v1');
    return repo;
  }

  it('a user\'s link inside a checked-out path is a problem of its pointer; the rest of the command is done', () => {
    const repo = dataRepo();
    fs.symlinkSync('/etc/hostname', path.join(repo, 'data/sub/link'));
    fs.rmSync(path.join(repo, 'data/sub/c.csv'));
    fs.rmSync(path.join(repo, 'other/o'));
    const st = dvd(repo, ['status', 'data/sub', 'other']);
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(/data\/sub\/link: .*symbolic link.*\(data\.dvd\)/);
    expect(st.stdout).toContain('deleted:  data/sub/c.csv');
    expect(st.stdout).toContain('deleted:  other/o');
    const co = dvd(repo, ['checkout', 'data/sub', 'other']);
    expect(co.code).toBe(1);
    expect(co.stderr).toMatch(/data\/sub\/link: .*symbolic link/);
    expect(read(repo, 'other/o')).toBe('o1');
    expect(fs.existsSync(path.join(repo, 'data/sub/c.csv'))).toBe(false);
    expect(fs.readlinkSync(path.join(repo, 'data/sub/link'))).toBe('/etc/hostname');
    // A path outside the link's folder is not blocked by it.
    fs.rmSync(path.join(repo, 'data/a.csv'));
    expect(dvdOk(repo, ['checkout', 'data/a.csv']).stdout).toBe('data/a.csv: 1 written, 0 removed, 0 unchanged\n');
  });

  it('a scope path through a linked folder is refused as a problem, not followed', () => {
    const repo = dataRepo();
    const elsewhere = tempDir('dvd-elsewhere-');
    fs.writeFileSync(path.join(elsewhere, 'c.csv'), 'theirs');
    fs.rmSync(path.join(repo, 'data/sub'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(repo, 'data/sub'));
    const r = dvd(repo, ['checkout', '-f', 'data/sub/c.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\/sub: .*symbolic link/);
    expect(read(elsewhere, 'c.csv')).toBe('theirs');
  });

  it('a link a .dvdignore rule matches is not data, so it is neither stored nor a problem', () => {
    const repo = dataRepo();
    writeFiles(repo, { '.dvdignore': '.venv\n' });
    fs.symlinkSync('/usr/bin', path.join(repo, 'data/.venv'));
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    dvdOk(repo, ['commit']);
    expect(dvdOk(repo, ['ls', 'data']).stdout).not.toContain('.venv');
  });

  it("a dangling link shaped like a cache object is dvd's (relink); any other dangling link is the user's (a problem)", () => {
    const repo = dataRepo();
    dvdOk(repo, ['config', 'cache.type', 'symlink']);
    dvdOk(repo, ['checkout', '--relink']);
    const a = path.join(repo, 'data/a.csv');
    const oidPath = fs.readlinkSync(a);
    fs.rmSync(a);
    fs.symlinkSync(path.join('/nowhere/.dvd/cache', oidPath.slice(oidPath.indexOf('sha256'))), a);
    fs.symlinkSync('/nowhere/at/all', path.join(repo, 'other/dangling'));
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    expect(st.stdout).toContain('relink:   data/a.csv');
    expect(st.stderr).toMatch(/other\/dangling: .*symbolic link.*\(other\.dvd\)/);
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(read(repo, 'data/a.csv')).toBe('a1');
    expect(fs.readlinkSync(path.join(repo, 'other/dangling'))).toBe('/nowhere/at/all');
  });
});

describe('gc and linked worktrees', { timeout: 120_000 }, () => {
  it("deletes nothing while another worktree's pointer cannot be read", () => {
    const main = tempRepo();
    writeFiles(main, { 'model.bin': 'v1' });
    dvdOk(main, ['add', 'model.bin']);
    commitAll(main, 'v1');
    writeFiles(main, { 'model.bin': 'v2' });
    dvdOk(main, ['commit']);
    commitAll(main, 'v2');
    const wt = path.join(tempDir('dvd-wt-'), 'wt2');
    git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');
    fs.mkdirSync(path.join(wt, '.dvd'), { recursive: true });
    fs.copyFileSync(path.join(main, '.dvd/config'), path.join(wt, '.dvd/config'));
    fs.writeFileSync(path.join(wt, 'model.bin.dvd'), 'path: model.bin\noid: garbage\n');
    const before = storedOids(path.join(main, '.dvd/cache'));
    const r = dvd(main, ['gc', '-w', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`worktree ${wt}: model.bin.dvd`);
    expect(r.stderr).toContain('nothing was deleted');
    expect(storedOids(path.join(main, '.dvd/cache'))).toEqual(before);
  });
});
