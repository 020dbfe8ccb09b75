import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, writeFiles } from './helpers.js';

// v1: data/{a,b,c,sub/d}.txt + model.bin ; v2: a modified, b deleted, c renamed, e added,
// model.bin changed ; v3: data/ renamed to dataset/ unchanged (a tracked directory move).
function makeRepo() {
  const repo = tempRepo();
  writeFiles(repo, { 'data/a.txt': 'alpha', 'data/b.txt': 'bravo', 'data/c.txt': 'charlie', 'data/sub/d.txt': 'delta', 'model.bin': 'm1' });
  dvdOk(repo, ['add', 'data', 'model.bin']);
  commitAll(repo, 'v1');
  git(repo, 'tag', 'v1');
  writeFiles(repo, { 'data/a.txt': 'alpha2', 'data/e.txt': 'echo', 'model.bin': 'm2!' });
  fs.rmSync(path.join(repo, 'data/b.txt'));
  fs.renameSync(path.join(repo, 'data/c.txt'), path.join(repo, 'data/c2.txt'));
  dvdOk(repo, ['commit']);
  commitAll(repo, 'v2');
  git(repo, 'tag', 'v2');
  return repo;
}

describe('dvd diff', () => {
  it('reports added, deleted, modified and renamed files inside directories between revisions', () => {
    const repo = makeRepo();
    const r = JSON.parse(dvdOk(repo, ['diff', 'v1', 'v2', '--json']).stdout);
    expect(r.a.rev).toBe('v1');
    expect(r.b.commit).toBe(git(repo, 'rev-parse', 'v2').trim());
    expect(r.added.map((f: { path: string; size: number }) => [f.path, f.size])).toEqual([['data/e.txt', 4]]);
    expect(r.deleted.map((f: { path: string }) => f.path)).toEqual(['data/b.txt']);
    expect(r.modified.map((f: { path: string; oldSize: number; newSize: number }) => [f.path, f.oldSize, f.newSize])).toEqual([
      ['data/a.txt', 5, 6],
      ['model.bin', 2, 3],
    ]);
    expect(r.renamed.map((f: { from: string; to: string }) => [f.from, f.to])).toEqual([['data/c.txt', 'data/c2.txt']]);
    // Human output says the same.
    const out = dvdOk(repo, ['diff', 'v1', 'v2']).stdout;
    expect(out).toContain('modified: data/a.txt  (5 B -> 6 B)');
    expect(out).toContain('renamed:  data/c.txt -> data/c2.txt');
    expect(out).toContain('1 file added, 2 modified, 1 deleted, 1 renamed');
    // Reversed sides swap added and deleted.
    const rev = JSON.parse(dvdOk(repo, ['diff', 'v2', 'v1', '--json']).stdout);
    expect(rev.added.map((f: { path: string }) => f.path)).toEqual(['data/b.txt']);
    expect(rev.deleted.map((f: { path: string }) => f.path)).toEqual(['data/e.txt']);
  });

  it('defaults to HEAD against the workspace, seeing uncommitted data changes', () => {
    const repo = makeRepo();
    expect(dvdOk(repo, ['diff']).stdout).toBe('No changes in tracked data between HEAD and workspace.\n');
    writeFiles(repo, { 'data/sub/d.txt': 'DELTA!', 'data/new.bin': 'n' });
    const r = JSON.parse(dvdOk(repo, ['diff', '--json']).stdout);
    expect(r.b).toEqual({ rev: 'workspace', commit: null });
    expect(r.added.map((f: { path: string }) => f.path)).toEqual(['data/new.bin']);
    expect(r.modified.map((f: { path: string }) => f.path)).toEqual(['data/sub/d.txt']);
    // One revision: that revision against the workspace.
    const r1 = JSON.parse(dvdOk(repo, ['diff', 'v1', '--json']).stdout);
    expect(r1.deleted.map((f: { path: string }) => f.path)).toEqual(['data/b.txt']);
    expect(r1.added.map((f: { path: string }) => f.path)).toEqual(['data/e.txt', 'data/new.bin']);
  });

  it('reports a tracked directory moved unchanged as one rename', () => {
    const repo = makeRepo();
    git(repo, 'mv', 'data.dvd', 'dataset.dvd');
    // The pointer names its target; rewrite it to the new name as a user would by re-adding.
    fs.renameSync(path.join(repo, 'data'), path.join(repo, 'dataset'));
    fs.rmSync(path.join(repo, 'dataset.dvd'));
    git(repo, 'rm', '-q', '--cached', 'dataset.dvd');
    dvdOk(repo, ['add', 'dataset']);
    commitAll(repo, 'v3');
    const r = JSON.parse(dvdOk(repo, ['diff', 'v2', 'HEAD', '--json']).stdout);
    expect(r.renamed).toEqual([expect.objectContaining({ from: 'data', to: 'dataset', type: 'dir' })]);
    expect(r.added).toEqual([]);
    expect(r.deleted).toEqual([]);
  });

  it('fetches manifests it lacks from the default remote, and fails clearly without one', () => {
    const repo = makeRepo();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
    dvdOk(repo, ['push', '--all-tags']);
    const cache = path.join(repo, '.dvd', 'cache');
    fs.chmodSync(cache, 0o755);
    fs.rmSync(cache, { recursive: true, force: true });
    const r = JSON.parse(dvdOk(repo, ['diff', 'v1', 'v2', '--json']).stdout);
    expect(r.modified.map((f: { path: string }) => f.path)).toEqual(['data/a.txt', 'model.bin']);
    fs.rmSync(cache, { recursive: true, force: true });
    dvdOk(repo, ['remote', 'remove', 'store']);
    const bad = dvd(repo, ['diff', 'v1', 'v2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not in the cache/);
    expect(bad.stderr).toMatch(/hint: .*dvd fetch --rev/);
  });

  it('rejects an unknown revision with exit 1 and a hint', () => {
    const repo = makeRepo();
    const r = dvd(repo, ['diff', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown revision "nope"');
    expect(r.stderr).toContain('hint:');
  });
});

describe('dvd ls', () => {
  it('lists tracked data at a revision without checking it out', () => {
    const repo = makeRepo();
    const top = JSON.parse(dvdOk(repo, ['ls', '--rev', 'v1', '--json']).stdout);
    expect(top.entries).toEqual([
      { path: 'data', type: 'dir', size: 22, files: 4, tracked: true },
      { path: 'model.bin', type: 'file', size: 2, oid: expect.stringMatching(/^[0-9a-f]{64}$/), tracked: true },
    ]);
    const rec = JSON.parse(dvdOk(repo, ['ls', 'data', '--rev', 'v1', '-R', '--json']).stdout);
    expect(rec.entries.map((e: { path: string }) => e.path)).toEqual(['a.txt', 'b.txt', 'c.txt', 'sub/d.txt']);
    const inner = dvdOk(repo, ['ls', 'data', '--rev', 'v1']).stdout;
    expect(inner).toMatch(/5 B {2}a\.txt\n/);
    expect(inner).toMatch(/5 B {2}sub\/ {2}\(1 file\)/);
    // The workspace is at v2; ls without --rev lists its pointers.
    const now = JSON.parse(dvdOk(repo, ['ls', 'data', '--json']).stdout);
    expect(now.entries.map((e: { path: string }) => e.path)).toEqual(['a.txt', 'c2.txt', 'e.txt', 'sub']);
    // From a subfolder, paths are relative to it.
    const sub = JSON.parse(dvdOk(path.join(repo, 'data'), ['ls', 'sub', '--rev', 'v1', '--json']).stdout);
    expect(sub.path).toBe('data/sub');
    expect(sub.entries.map((e: { path: string }) => e.path)).toEqual(['d.txt']);
  });

  it('fails clearly for a path that holds no tracked data', () => {
    const repo = makeRepo();
    const r = dvd(repo, ['ls', 'data/b.txt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no data tracked by dvd here');
    expect(dvdOk(repo, ['ls', 'data/b.txt', '--rev', 'v1']).stdout).toMatch(/b\.txt/);
  });
});
