import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

const storeOids = (store: string) => {
  const base = path.join(store, 'sha256');
  return fs.existsSync(base) ? fs.readdirSync(base).flatMap((f) => fs.readdirSync(path.join(base, f)).map((r) => f + r)).sort() : [];
};

// v1 (tag) -> v2 on main; branch `exp` with its own model. Only the workspace is pushed at first.
function project() {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
  writeFiles(repo, { 'data/a.txt': 'a1', 'data/b.txt': 'b1', 'model.bin': 'm1' });
  dvdOk(repo, ['add', 'data', 'model.bin']);
  commitAll(repo, 'v1');
  git(repo, 'tag', 'v1');
  const v1 = treeHashes(path.join(repo, 'data'));
  git(repo, 'checkout', '-q', '-b', 'exp');
  writeFiles(repo, { 'model.bin': 'm-exp' });
  dvdOk(repo, ['commit']);
  commitAll(repo, 'exp');
  git(repo, 'checkout', '-q', 'main');
  dvdOk(repo, ['checkout']);
  writeFiles(repo, { 'data/a.txt': 'a2', 'model.bin': 'm2' });
  dvdOk(repo, ['commit']);
  commitAll(repo, 'v2');
  return { repo, store, v1 };
}

describe('history-wide push / fetch / pull', () => {
  it('push --rev and --all-branches upload exactly what those revisions reference', () => {
    const { repo, store } = project();
    dvdOk(repo, ['push']);
    const workspaceOnly = storeOids(store);
    expect(workspaceOnly.length).toBe(4); // a2, b1, m2, manifest v2
    dvdOk(repo, ['push', '--rev', 'v1']);
    const withV1 = storeOids(store);
    expect(withV1.length).toBe(4 + 3); // a1, m1, manifest v1
    dvdOk(repo, ['push', '--all-branches']);
    expect(storeOids(store).length).toBe(7 + 1); // m-exp
    // Everything is there now: another history-wide push moves nothing.
    const again = JSON.parse(dvdOk(repo, ['push', '--all-commits', '--json']).stdout);
    expect(again.uploaded).toBe(0);
  });

  it('fetch --rev brings one revision into a fresh clone; checkout then works offline', () => {
    const { repo, store, v1 } = project();
    dvdOk(repo, ['push', '--all-commits']);
    const clone = tempDir('dvd-clone-');
    git(clone, 'clone', '-q', repo, '.');
    const f = JSON.parse(dvdOk(clone, ['fetch', '--rev', 'v1', '--json']).stdout);
    expect(f.failed).toEqual([]);
    // The remote goes away; v1 is in the cache, so it checks out.
    fs.rmSync(store, { recursive: true });
    git(clone, 'checkout', '-q', 'v1');
    dvdOk(clone, ['checkout']);
    expect(treeHashes(path.join(clone, 'data'))).toEqual(v1);
    expect(fs.readFileSync(path.join(clone, 'model.bin'), 'utf8')).toBe('m1');
    // The exp branch was not fetched.
    git(clone, 'checkout', '-q', 'origin/exp');
    const r = dvd(clone, ['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('model.bin');
  });

  it('push --all-commits from a clone that holds only some versions: what the remote has is not an error', () => {
    const { repo, store } = project();
    dvdOk(repo, ['push', '--all-commits']);
    const before = storeOids(store);
    const clone = tempDir('dvd-clone-');
    git(clone, 'clone', '-q', repo, '.');
    dvdOk(clone, ['fetch', '--rev', 'v1']);
    const r = JSON.parse(dvdOk(clone, ['push', '--all-commits', '--json']).stdout);
    expect(r.failed).toEqual([]);
    expect(r.uploaded).toBe(0);
    expect(storeOids(store)).toEqual(before);
    // Data that is nowhere (neither cached nor on the remote) is still reported.
    fs.rmSync(path.join(store, 'sha256'), { recursive: true });
    const missing = dvd(clone, ['push', '--all-commits']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not in the local cache');
  });

  it('targets narrow a revision scope, and a bad revision is an error before anything moves', () => {
    const { repo, store } = project();
    dvdOk(repo, ['push', 'model.bin', '--all-commits']);
    // m1, m2, m-exp and nothing of data/.
    expect(storeOids(store).length).toBe(3);
    const bad = dvd(repo, ['push', '--rev', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown revision "nope"');
    expect(storeOids(store).length).toBe(3);
  });
});
