import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempDir, tempRepo, writeFiles } from './helpers.js';

// Issue 9 B11: with cache type symlink, dvd's own links must survive the repository
// being moved (`mv`) or copied (`cp -a`). A link whose target is shaped like a cache
// object path is dvd's, even when it dangles or leads into another repository's cache.

const UP_TO_DATE = 'Data and pointers are up to date.\n';

function symlinkRepo(): string {
  const repo = tempRepo();
  fs.appendFileSync(path.join(repo, '.dvd/config'), '[cache]\n\ttype = symlink\n');
  writeFiles(repo, { 'data/a.csv': 'a\n', 'data/sub/b.csv': 'b\n', 'model.bin': 'weights' });
  dvdOk(repo, ['add', 'data', 'model.bin']);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'v1');
  return repo;
}

/** Rewrite every link under `dir` to an absolute target, as dvd made them before links became relative. */
function absolutizeLinks(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const f = path.join(e.parentPath, e.name);
    if (!e.isSymbolicLink()) continue;
    const abs = path.resolve(path.dirname(f), fs.readlinkSync(f));
    fs.unlinkSync(f);
    fs.symlinkSync(abs, f);
  }
}

const linkTarget = (f: string) => path.resolve(path.dirname(f), fs.readlinkSync(f));
const moved = (repo: string) => {
  const to = path.join(tempDir(), 'moved');
  expect(spawnSync('mv', [repo, to]).status).toBe(0);
  return to;
};

describe("dvd's own links after the repository moves", () => {
  it('links are relative inside the repository, so mv and cp -a keep them working', () => {
    const repo = symlinkRepo();
    expect(fs.readlinkSync(path.join(repo, 'data/sub/b.csv'))).toMatch(/^\.\.\/\.\.\/\.dvd\/cache\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}$/);
    const copy = path.join(tempDir(), 'copy');
    expect(spawnSync('cp', ['-a', repo, copy]).status).toBe(0);
    const to = moved(repo);
    for (const r of [to, copy]) {
      expect(dvdOk(r, ['status']).stdout).toBe(UP_TO_DATE);
      expect(linkTarget(path.join(r, 'data/a.csv')).startsWith(path.join(r, '.dvd/cache/'))).toBe(true);
      expect(fs.readFileSync(path.join(r, 'model.bin'), 'utf8')).toBe('weights');
    }
  });

  it('absolute links of a moved repository dangle: status reports them, checkout re-creates them, commit and untrack work', () => {
    const old = symlinkRepo();
    absolutizeLinks(old);
    const repo = moved(old);
    expect(fs.existsSync(path.join(repo, 'data/a.csv'))).toBe(false); // dangling
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(0);
    expect(st.stderr).toBe('');
    expect(st.stdout).toContain("relink:   data/a.csv  (dvd's link, not into this repository's cache; `dvd checkout` re-creates it)");
    expect(st.stdout).toContain('relink:   model.bin');
    const json = JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets;
    expect(json.map((t: { target: string; state: string; relink: string[]; modified: string[] }) => [t.target, t.state, t.relink, t.modified])).toEqual([
      ['data', 'modified', ['data/a.csv', 'data/sub/b.csv'], []],
      ['model.bin', 'modified', ['model.bin'], []],
    ]);
    // commit records nothing new (same oids) and works on dangling links.
    const pointer = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    dvdOk(repo, ['commit', 'data']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toBe(pointer);
    const co = dvdOk(repo, ['checkout']);
    expect(co.stdout).toContain('model.bin: 1 written');
    for (const f of ['data/a.csv', 'data/sub/b.csv', 'model.bin']) {
      expect(linkTarget(path.join(repo, f)).startsWith(path.join(repo, '.dvd/cache/sha256/'))).toBe(true);
    }
    expect(fs.readFileSync(path.join(repo, 'data/sub/b.csv'), 'utf8')).toBe('b\n');
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('checkout --relink and untrack of dangling links use this repository\'s cache', () => {
    const old = symlinkRepo();
    absolutizeLinks(old);
    const repo = moved(old);
    dvdOk(repo, ['checkout', '--relink', 'data']);
    expect(fs.readFileSync(path.join(repo, 'data/a.csv'), 'utf8')).toBe('a\n');
    const u = dvd(repo, ['untrack', 'model.bin']);
    expect(u.stderr).not.toMatch(/ENOENT/);
    expect(u.code).toBe(0);
    expect(fs.lstatSync(path.join(repo, 'model.bin')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'model.bin'), 'utf8')).toBe('weights');
  });

  it('cp -a of a repository with absolute links: the copy is reported and relinked to its own cache', () => {
    const repo = symlinkRepo();
    absolutizeLinks(repo);
    const copy = path.join(tempDir(), 'copy');
    expect(spawnSync('cp', ['-a', repo, copy]).status).toBe(0);
    expect(linkTarget(path.join(copy, 'data/a.csv')).startsWith(path.join(repo, '.dvd/cache/'))).toBe(true);
    expect(JSON.parse(dvdOk(copy, ['status', '--json']).stdout).targets[0].relink).toEqual(['data/a.csv', 'data/sub/b.csv']);
    dvdOk(copy, ['checkout']);
    fs.rmSync(repo, { recursive: true, force: true });
    expect(fs.readFileSync(path.join(copy, 'data/a.csv'), 'utf8')).toBe('a\n');
    expect(dvdOk(copy, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('a dangling link whose object is in no cache: commit and untrack say so, and dvd pull is the fix', () => {
    const old = symlinkRepo();
    absolutizeLinks(old);
    const repo = moved(old);
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const st = JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[1];
    expect(st).toMatchObject({ target: 'model.bin', relink: ['model.bin'], notInCache: true });
    for (const args of [['commit', 'model.bin'], ['untrack', 'model.bin']]) {
      const r = dvd(repo, args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is not in the cache \(needed by model\.bin\)/);
      expect(r.stderr).toContain('dvd pull');
    }
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('not in the cache');
    expect(fs.existsSync(path.join(repo, 'model.bin.dvd'))).toBe(true);
  });
});
