import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

// A "dataset registry": images/ and model.bin at v1 (tag) and v2 (HEAD), pushed to a folder remote.
function registry() {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
  writeFiles(repo, { 'data/images/cat.jpg': 'meow v1', 'data/images/dogs/rex.jpg': 'woof', 'model.bin': 'model v1' });
  fs.chmodSync(path.join(repo, 'data/images/dogs/rex.jpg'), 0o755);
  dvdOk(repo, ['add', 'data/images', 'model.bin']);
  commitAll(repo, 'v1');
  git(repo, 'tag', 'v1');
  const v1 = treeHashes(path.join(repo, 'data/images'));
  writeFiles(repo, { 'data/images/cat.jpg': 'meow v2', 'data/images/new.jpg': 'new', 'model.bin': 'model v2' });
  dvdOk(repo, ['commit']);
  commitAll(repo, 'v2');
  const v2 = treeHashes(path.join(repo, 'data/images'));
  dvdOk(repo, ['push', '--all-tags']);
  return { repo, store, v1, v2 };
}

describe('dvd get', () => {
  it('downloads a directory, a file inside it, and a file target from a local work tree at a revision', () => {
    const { repo, v1, v2 } = registry();
    const here = tempDir('dvd-here-');
    const r = JSON.parse(dvdOk(here, ['get', repo, 'data/images', '--rev', 'v1', '-o', 'imgs', '--json']).stdout);
    expect(r).toMatchObject({ rev: 'v1', type: 'dir', files: 2 });
    expect(r.fromSourceCache).toBeGreaterThan(0);
    expect(treeHashes(path.join(here, 'imgs'))).toEqual(v1);
    expect(fs.statSync(path.join(here, 'imgs/dogs/rex.jpg')).mode & 0o111).not.toBe(0);
    dvdOk(here, ['get', repo, 'data/images']);
    expect(treeHashes(path.join(here, 'images'))).toEqual(v2);
    dvdOk(here, ['get', repo, 'data/images/cat.jpg', '--rev', 'v1', '-o', 'cat-v1.jpg']);
    expect(fs.readFileSync(path.join(here, 'cat-v1.jpg'), 'utf8')).toBe('meow v1');
    dvdOk(here, ['get', repo, 'model.bin', '--rev', 'v1']);
    expect(fs.readFileSync(path.join(here, 'model.bin'), 'utf8')).toBe('model v1');
    // The current folder did not become a dvd repository, and nothing temporary is left.
    expect(fs.readdirSync(here).sort()).toEqual(['cat-v1.jpg', 'images', 'imgs', 'model.bin']);
  });

  it('downloads from the remote when reading a bare repository or a URL', () => {
    const { repo, v1 } = registry();
    const bare = path.join(tempDir('dvd-bare-'), 'registry.git');
    git(path.dirname(bare), 'clone', '-q', '--bare', repo, bare);
    const here = tempDir('dvd-here-');
    const r = JSON.parse(dvdOk(here, ['get', bare, 'data/images', '--rev', 'v1', '--json']).stdout);
    expect(r.fromSourceCache).toBe(0);
    expect(r.downloaded).toBe(3);
    expect(treeHashes(path.join(here, 'images'))).toEqual(v1);
    dvdOk(here, ['get', `file://${bare}`, 'model.bin', '--rev', 'v1', '-o', 'm.bin']);
    expect(fs.readFileSync(path.join(here, 'm.bin'), 'utf8')).toBe('model v1');
  });

  it('refuses clearly: existing output, untracked path, unknown revision, not a repository', () => {
    const { repo } = registry();
    const here = tempDir('dvd-here-');
    writeFiles(here, { 'images/keep.txt': 'mine' });
    const exists = dvd(here, ['get', repo, 'data/images']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('already exists');
    expect(fs.readFileSync(path.join(here, 'images/keep.txt'), 'utf8')).toBe('mine');
    const untracked = dvd(here, ['get', repo, 'data/nothing', '-o', 'x']);
    expect(untracked.code).toBe(1);
    expect(untracked.stderr).toContain('not tracked by dvd');
    expect(dvd(here, ['get', repo, 'model.bin', '--rev', 'v9', '-o', 'x']).stderr).toContain('unknown revision "v9"');
    expect(dvd(here, ['get', here, 'model.bin', '-o', 'x']).stderr).toContain('not a Git repository');
    expect(dvd(here, ['get', repo, 'model.bin', '-o', 'no/such/dir/m']).stderr).toContain('does not exist');
    expect(fs.readdirSync(here)).toEqual(['images']);
  });
});
