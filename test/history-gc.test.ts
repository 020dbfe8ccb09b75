import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

const cacheOids = (repo: string) => {
  const base = path.join(repo, '.dvd/cache/sha256');
  return fs.existsSync(base) ? fs.readdirSync(base).flatMap((f) => fs.readdirSync(path.join(base, f)).map((r) => f + r)).sort() : [];
};
const storeOids = (store: string) => {
  const base = path.join(store, 'sha256');
  return fs.existsSync(base) ? fs.readdirSync(base).flatMap((f) => fs.readdirSync(path.join(base, f)).map((r) => f + r)).sort() : [];
};

// main: v1 -> v2 -> v3 (tag v1 at v1), branch `side` off v2 with its own data. Along the
// way an uncommitted version of data/ and model.bin is pushed: garbage for any scope.
function makeHistory() {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
  const versions: { rev: string; data: Record<string, string>; model: string }[] = [];
  const snap = (rev: string) => versions.push({ rev, data: treeHashes(path.join(repo, 'data')), model: fs.readFileSync(path.join(repo, 'model.bin'), 'utf8') });
  writeFiles(repo, { 'data/a.txt': 'a1', 'data/b.txt': 'b1', 'data/sub/c.txt': 'c1', 'model.bin': 'model 1' });
  dvdOk(repo, ['add', 'data', 'model.bin']);
  snap(commitAll(repo, 'v1'));
  git(repo, 'tag', 'v1');
  // Garbage: a version recorded by dvd and pushed, but never committed to Git.
  writeFiles(repo, { 'data/a.txt': 'never committed', 'model.bin': 'model draft' });
  dvdOk(repo, ['commit']);
  dvdOk(repo, ['push']);
  writeFiles(repo, { 'data/a.txt': 'a2', 'data/d.txt': 'd2', 'model.bin': 'model 2' });
  dvdOk(repo, ['commit']);
  snap(commitAll(repo, 'v2'));
  git(repo, 'checkout', '-q', '-b', 'side');
  writeFiles(repo, { 'data/side.txt': 'only on side', 'model.bin': 'model side' });
  dvdOk(repo, ['commit']);
  snap(commitAll(repo, 'side'));
  git(repo, 'checkout', '-q', 'main');
  dvdOk(repo, ['checkout']);
  fs.rmSync(path.join(repo, 'data/sub'), { recursive: true });
  writeFiles(repo, { 'model.bin': 'model 3' });
  dvdOk(repo, ['commit']);
  snap(commitAll(repo, 'v3'));
  dvdOk(repo, ['push', '--all-commits']);
  return { repo, store, versions };
}

/** Clone the Git repo, and for every version check it out and pull it: the bytes must match. */
function expectEveryVersionRestorable(repo: string, versions: { rev: string; data: Record<string, string>; model: string }[]) {
  const clone = tempDir('dvd-clone-');
  git(clone, 'clone', '-q', repo, '.');
  for (const v of versions) {
    git(clone, 'checkout', '-q', v.rev);
    dvdOk(clone, ['pull', '--force']);
    expect(treeHashes(path.join(clone, 'data')), v.rev).toEqual(v.data);
    expect(fs.readFileSync(path.join(clone, 'model.bin'), 'utf8')).toBe(v.model);
  }
}

describe('dvd gc', () => {
  it('refuses to run without a scope', () => {
    const repo = tempRepo();
    const r = dvd(repo, ['gc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gc needs a scope');
  });

  it('removes only what no commit references, locally and on the remote, and every version still pulls', () => {
    const { repo, store, versions } = makeHistory();
    const cacheBefore = cacheOids(repo);
    const storeBefore = storeOids(store);

    const dry = JSON.parse(dvdOk(repo, ['gc', '--all-commits', '-r', 'store', '--dry-run', '--json']).stdout);
    // The draft: a.txt content, model draft, and the draft's manifest.
    expect(dry.cache.removed).toBe(3);
    expect(dry.remote.removed).toBe(3);
    expect(cacheOids(repo)).toEqual(cacheBefore);
    expect(storeOids(store)).toEqual(storeBefore);

    // Not a TTY and no -f: nothing is deleted, neither on the remote nor in the cache.
    const refused = dvd(repo, ['gc', '--all-commits', '-r', 'store']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing deleted');
    expect(storeOids(store)).toEqual(storeBefore);
    expect(cacheOids(repo)).toEqual(cacheBefore);

    const done = dvdOk(repo, ['gc', '--all-commits', '-r', 'store', '-f']).stdout;
    expect(done).toContain('store: removed 3 objects');
    expect(storeOids(store)).toEqual(storeBefore.filter((o) => !dry.remote.oids.includes(o)));
    expectEveryVersionRestorable(repo, versions);
  });

  it('keeps only the chosen scope: --workspace drops old versions from the cache, the remote still has them', () => {
    const { repo, store, versions } = makeHistory();
    const r = JSON.parse(dvdOk(repo, ['gc', '-w', '--json']).stdout);
    expect(r.cache.removed).toBeGreaterThan(3);
    expect(r.remote).toBeNull();
    // The workspace still checks out from the cache alone.
    fs.rmSync(path.join(repo, 'data'), { recursive: true, force: true });
    dvdOk(repo, ['checkout']);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(versions[3].data);
    // --rev and --all-tags keep what they name on the remote; the rest of history goes.
    dvdOk(repo, ['gc', '--rev', 'side', '--all-tags', '-r', 'store', '-f']);
    expectEveryVersionRestorable(repo, [versions[0], versions[2], versions[3]]);
    const clone = tempDir('dvd-clone-');
    git(clone, 'clone', '-q', repo, '.');
    git(clone, 'checkout', '-q', versions[1].rev);
    const pulled = dvd(clone, ['pull']);
    expect(pulled.code).toBe(1);
  });

  it('works without Git for --workspace, and explains that revisions need Git', () => {
    const dir = tempDir('dvd-noscm-');
    dvdOk(dir, ['init', '--no-scm']);
    writeFiles(dir, { 'f.txt': 'one' });
    dvdOk(dir, ['add', 'f.txt']);
    writeFiles(dir, { 'f.txt': 'two' });
    dvdOk(dir, ['commit']);
    expect(JSON.parse(dvdOk(dir, ['gc', '-w', '-f', '--json']).stdout).cache).toMatchObject({ removed: 1, kept: 1 });
    expect(fs.readFileSync(path.join(dir, 'f.txt'), 'utf8')).toBe('two');
    const r = dvd(dir, ['gc', '--all-commits']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not inside a Git repository');
  });

  it('stops when a manifest in scope cannot be read, deleting nothing', () => {
    const { repo } = makeHistory();
    dvdOk(repo, ['remote', 'remove', 'store']);
    // Drop a manifest of an old version from the cache: gc cannot know what it references.
    const before = cacheOids(repo);
    const v1Pointer = git(repo, 'show', 'v1:data.dvd');
    const oid = /oid: sha256:([0-9a-f]{64})/.exec(v1Pointer)![1];
    fs.rmSync(path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2)), { force: true });
    const r = dvd(repo, ['gc', '--all-tags']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not in the cache');
    expect(cacheOids(repo)).toEqual(before.filter((o) => o !== oid));
  });
});
