import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempDir, tempRepo, writeFiles } from './helpers.js';

// Issue 9 A2: a path inside a tracked folder (a file or a sub-folder) scopes checkout
// and pull to that path, as git and DVC do: only it is checked out, -f discards only
// edits under it, and edits elsewhere in the folder neither block nor get lost.

const read = (repo: string, f: string) => fs.readFileSync(path.join(repo, f), 'utf8');

function dataRepo(): string {
  const repo = tempRepo();
  writeFiles(repo, { 'data/a.csv': 'a1', 'data/b.csv': 'b1', 'data/sub/c.csv': 'c1', 'data/sub/d.csv': 'd1', 'data/subway/e.csv': 'e1' });
  dvdOk(repo, ['add', 'data']);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'v1');
  return repo;
}

function storeObjects(store: string): string[] {
  const root = path.join(store, 'sha256');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((fan) => fs.readdirSync(path.join(root, fan)).map((rest) => fan + rest)).sort();
}

describe('checkout of a path inside a tracked folder', () => {
  it('restores only that file: an edit elsewhere neither blocks it nor is lost, with or without -f', () => {
    const repo = dataRepo();
    fs.writeFileSync(path.join(repo, 'data/a.csv'), 'my edit');
    fs.rmSync(path.join(repo, 'data/b.csv'));
    const r = dvdOk(repo, ['checkout', 'data/b.csv']);
    expect(r.stdout).toBe('data/b.csv: 1 written, 0 removed, 0 unchanged\n');
    expect(read(repo, 'data/b.csv')).toBe('b1');
    expect(read(repo, 'data/a.csv')).toBe('my edit');
    fs.writeFileSync(path.join(repo, 'data/b.csv'), 'edit to discard');
    expect(dvd(repo, ['checkout', 'data/b.csv']).stderr).toMatch(/checkout would overwrite or delete 1 file\(s\) whose content is not in the cache:\n {2}data\/b\.csv\n/);
    dvdOk(repo, ['checkout', '-f', 'data/b.csv']);
    expect(read(repo, 'data/b.csv')).toBe('b1');
    expect(read(repo, 'data/a.csv')).toBe('my edit');
    // Status still sees the edit that was kept.
    expect(JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0].modified).toEqual(['data/a.csv']);
  });

  it('a sub-folder: blocks on edits under it only, -f discards those only, and data/sub does not reach data/subway', () => {
    const repo = dataRepo();
    fs.writeFileSync(path.join(repo, 'data/a.csv'), 'keep me');
    fs.writeFileSync(path.join(repo, 'data/sub/c.csv'), 'c edit');
    fs.writeFileSync(path.join(repo, 'data/sub/new.csv'), 'new');
    fs.rmSync(path.join(repo, 'data/sub/d.csv'));
    fs.writeFileSync(path.join(repo, 'data/subway/e.csv'), 'e edit');
    const blocked = dvd(repo, ['checkout', 'data/sub']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('checkout would overwrite or delete 2 file(s) whose content is not in the cache:\n  data/sub/c.csv\n  data/sub/new.csv\n');
    expect(read(repo, 'data/sub/new.csv')).toBe('new');
    // Status of the same path lists what checkout would change there, and nothing else.
    const st = JSON.parse(dvdOk(repo, ['status', '--json', 'data/sub']).stdout).targets[0];
    expect(st).toMatchObject({ state: 'modified', added: ['data/sub/new.csv'], modified: ['data/sub/c.csv'], deleted: ['data/sub/d.csv'] });
    expect(dvdOk(repo, ['checkout', '-f', 'data/sub']).stdout).toBe('data/sub: 2 written, 1 removed, 0 unchanged\n');
    expect(fs.readdirSync(path.join(repo, 'data/sub')).sort()).toEqual(['c.csv', 'd.csv']);
    expect(read(repo, 'data/sub/c.csv')).toBe('c1');
    expect(read(repo, 'data/a.csv')).toBe('keep me');
    expect(read(repo, 'data/subway/e.csv')).toBe('e edit');
    expect(JSON.parse(dvdOk(repo, ['status', '--json', 'data/sub']).stdout).targets[0].state).toBe('unchanged');
  });

  it('paths relative to the current folder, several paths at once, and the whole folder named with a path inside it', () => {
    const repo = dataRepo();
    for (const f of ['data/a.csv', 'data/b.csv', 'data/sub/c.csv', 'data/sub/d.csv']) fs.rmSync(path.join(repo, f));
    const sub = path.join(repo, 'data/sub');
    // Printed paths are relative to the folder dvd runs in (README: printed paths).
    expect(dvdOk(sub, ['checkout', 'c.csv', '../a.csv']).stdout).toBe('../a.csv, c.csv: 2 written, 0 removed, 0 unchanged\n');
    expect(fs.existsSync(path.join(repo, 'data/b.csv'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'data/sub/d.csv'))).toBe(false);
    // The folder itself among the paths: the whole folder.
    dvdOk(repo, ['checkout', 'data/sub/d.csv', 'data']);
    expect(read(repo, 'data/b.csv')).toBe('b1');
  });

  it('switching versions path by path; a path the version does not have is an error that changes nothing', () => {
    const repo = dataRepo();
    writeFiles(repo, { 'data/a.csv': 'a2', 'data/b.csv': 'b2' });
    dvdOk(repo, ['commit']);
    git(repo, 'commit', '-qam', 'v2');
    git(repo, 'checkout', '-q', 'HEAD~1');
    dvdOk(repo, ['checkout', 'data/a.csv']);
    expect(read(repo, 'data/a.csv')).toBe('a1');
    expect(read(repo, 'data/b.csv')).toBe('b2');
    expect(JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0].modified).toEqual(['data/b.csv']);
    fs.writeFileSync(path.join(repo, 'data/untracked.csv'), 'mine');
    for (const p of ['data/nope.csv', 'data/untracked.csv']) {
      const r = dvd(repo, ['checkout', '-f', p]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: ${p}: not in data at this version (data.dvd)`);
    }
    expect(read(repo, 'data/untracked.csv')).toBe('mine');
    // untrack works on whole targets only: a path inside is refused, nothing changes.
    const u = dvd(repo, ['untrack', 'data/a.csv']);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('error: data/a.csv: inside data, tracked as a whole by data.dvd');
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(true);
    // Inside a single-file target there is nothing to scope.
    writeFiles(repo, { 'm.bin': 'm' });
    dvdOk(repo, ['add', 'm.bin']);
    expect(dvd(repo, ['checkout', 'm.bin/x']).stderr).toContain('m.bin/x: m.bin is a file, tracked by m.bin.dvd');
  });
});

describe('pull, fetch, push and status of a path inside a tracked folder', () => {
  it('fetch and pull bring only that path; -f discards edits under it only; push sends the whole folder', () => {
    const repo = dataRepo();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'remote');
    // push of a path inside the folder sends the folder: a manifest on a remote promises all its files.
    expect(JSON.parse(dvdOk(repo, ['push', 'data/sub', '--json']).stdout).uploaded).toBe(6);

    const clone = tempDir('dvd-clone-');
    git(path.dirname(clone), 'clone', '-q', repo, clone);
    const f = JSON.parse(dvdOk(clone, ['fetch', 'data/sub', '--json']).stdout);
    expect(f.downloaded).toBe(3); // the manifest, c.csv and d.csv
    expect(f.complete).toEqual(['data.dvd']);
    expect(storeObjects(path.join(clone, '.dvd/cache'))).toHaveLength(3);
    const p = dvdOk(clone, ['pull', 'data/sub/c.csv']);
    expect(p.stdout).toBe('data/sub/c.csv: 1 written, 0 removed, 0 unchanged\n');
    expect(fs.readdirSync(path.join(clone, 'data'))).toEqual(['sub']);
    expect(fs.readdirSync(path.join(clone, 'data/sub'))).toEqual(['c.csv']);
    fs.writeFileSync(path.join(clone, 'data/sub/c.csv'), 'local edit');
    dvdOk(clone, ['pull', 'data/a.csv']);
    expect(read(clone, 'data/a.csv')).toBe('a1');
    expect(read(clone, 'data/sub/c.csv')).toBe('local edit');
    expect(dvd(clone, ['pull', 'data/sub']).code).toBe(1); // would discard the edit
    dvdOk(clone, ['pull', '-f', 'data/sub']);
    expect(read(clone, 'data/sub/c.csv')).toBe('c1');
    expect(read(clone, 'data/sub/d.csv')).toBe('d1');
    expect(fs.existsSync(path.join(clone, 'data/b.csv'))).toBe(false);
    expect(storeObjects(path.join(clone, '.dvd/cache'))).toHaveLength(4);
    // A path the version does not have is an error for fetch too.
    expect(dvd(clone, ['fetch', 'data/nope']).stderr).toContain('data/nope: not in data at this version (data.dvd)');
  });

  it('with --all-commits, a path inside the folder fetches that part of every version that has it', () => {
    const repo = dataRepo();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
    writeFiles(repo, { 'data/a.csv': 'a2', 'data/sub/c.csv': 'c2', 'data/sub/only-v2.csv': 'n' });
    dvdOk(repo, ['commit']);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v2');
    dvdOk(repo, ['push', '--all-commits']);
    const clone = tempDir('dvd-clone-');
    git(path.dirname(clone), 'clone', '-q', repo, clone);
    const f = JSON.parse(dvdOk(clone, ['fetch', '--all-commits', 'data/sub/only-v2.csv', 'data/sub/c.csv', '--json']).stdout);
    // two manifests, c.csv of v1 and v2, only-v2.csv
    expect(f.downloaded).toBe(5);
    expect(f.failed).toEqual([]);
  });
});
