import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializePointer, type Pointer } from '../src/core/pointer.js';
import { resolveRev } from '../src/git/resolveRev.js';
import { listBranches, listTags } from '../src/git/listRefs.js';
import { listAllCommits } from '../src/git/listAllCommits.js';
import { readPointersAtRev, readPointersAtRevs } from '../src/git/readPointersAtRev.js';
import { readFileAtRev } from '../src/git/readFileAtRev.js';
import { git, tempRepo, writeFiles } from './helpers.js';

const oidOf = (n: number) => n.toString(16).padStart(64, '0');
const filePtr = (name: string, n: number): Pointer => ({ path: name, type: 'file', oid: oidOf(n), size: n });
const dirPtr = (name: string, n: number, files: number): Pointer => ({ path: name, type: 'dir', oid: oidOf(n), size: n * 10, files });

function commit(repo: string, files: Record<string, string>, msg: string): string {
  writeFiles(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', msg);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

// main: c1 -- c2 -- c4 (merge of feature) ; feature: c2 -- c3. Tags v1 (annotated, c1), light (c2).
function makeHistory() {
  const repo = tempRepo({ dvdInit: false });
  const c1 = commit(repo, { 'model.bin.dvd': serializePointer(filePtr('model.bin', 1)), 'src/a.txt': 'a' }, 'c1');
  git(repo, 'tag', '-a', 'v1', '-m', 'version 1');
  const c2 = commit(repo, { 'data/images.dvd': serializePointer(dirPtr('images', 2, 20)) }, 'c2');
  git(repo, 'tag', 'light');
  git(repo, 'checkout', '-q', '-b', 'feature');
  // Rename of a tracked directory: the pointer moves and names the new target.
  fs.rmSync(path.join(repo, 'data/images.dvd'));
  const c3 = commit(repo, { 'data/pictures.dvd': serializePointer(dirPtr('pictures', 2, 20)) }, 'c3');
  git(repo, 'checkout', '-q', 'main');
  const c2b = commit(repo, { 'model.bin.dvd': serializePointer(filePtr('model.bin', 5)) }, 'c2b');
  git(repo, 'merge', '-q', '--no-edit', 'feature');
  const c4 = git(repo, 'rev-parse', 'HEAD').trim();
  return { repo, c1, c2, c3, c2b, c4 };
}

// Both object readers: the git binary's cat-file pipe and pure isomorphic-git.
for (const mode of ['git binary', 'isomorphic-git only']) {
describe(`${mode}`, () => {
  beforeAll(() => {
    if (mode === 'isomorphic-git only') process.env.DVD_NO_GIT_BINARY = '1';
    else delete process.env.DVD_NO_GIT_BINARY;
  });
  afterAll(() => {
    delete process.env.DVD_NO_GIT_BINARY;
  });
describe('resolveRev', () => {
  it('agrees with git rev-parse on branches, tags, ancestry and short hashes', async () => {
    const { repo, c1, c4 } = makeHistory();
    for (const rev of ['HEAD', '@', 'main', 'feature', 'v1', 'light', 'HEAD~1', 'HEAD^', 'HEAD^2', 'HEAD~2', 'HEAD^2~1', 'main~3', c1, c1.slice(0, 7), c4.slice(0, 10), 'refs/heads/feature']) {
      expect(await resolveRev(repo, rev), rev).toBe(git(repo, 'rev-parse', `${rev}^{commit}`).trim());
    }
  });

  it('rejects unknown revisions with a clear error', async () => {
    const { repo } = makeHistory();
    for (const rev of ['nope', 'HEAD~10', 'HEAD^3', 'deadbeef', '', 'a..b']) {
      await expect(resolveRev(repo, rev), rev).rejects.toMatchObject({ code: 'EBADREV' });
    }
    const empty = tempRepo({ dvdInit: false });
    await expect(resolveRev(empty, 'HEAD')).rejects.toThrow(/no commits yet/);
  });
});

describe('listing history', () => {
  it('lists branches, tags (peeled) and every commit', async () => {
    const { repo, c1, c2, c3, c2b, c4 } = makeHistory();
    expect(await listBranches(repo)).toEqual([{ name: 'feature', oid: c3 }, { name: 'main', oid: c4 }]);
    expect(await listTags(repo)).toEqual([{ name: 'light', oid: c2 }, { name: 'v1', oid: c1 }]);
    expect((await listAllCommits(repo)).sort()).toEqual([c1, c2, c3, c2b, c4].sort());
    expect((await listAllCommits(repo)).sort()).toEqual(git(repo, 'rev-list', '--all').trim().split('\n').sort());
  });

  it('works the same after git gc packs every object', async () => {
    const { repo, c3 } = makeHistory();
    git(repo, 'gc', '-q', '--aggressive');
    expect((await readPointersAtRev(repo, c3)).refs.map((r) => r.target)).toEqual(['data/pictures', 'model.bin']);
  });
});

describe('readPointersAtRev', () => {
  it('reads the pointers of any revision without touching the workspace', async () => {
    const { repo, c1, c2, c3, c4 } = makeHistory();
    // The workspace disagrees with history; history wins.
    writeFiles(repo, { 'model.bin.dvd': 'garbage\n' });
    expect(await readPointersAtRev(repo, c1)).toEqual({ refs: [{ pointerFile: 'model.bin.dvd', target: 'model.bin', pointer: filePtr('model.bin', 1) }], problems: [] });
    expect((await readPointersAtRev(repo, c2)).refs.map((r) => r.pointerFile)).toEqual(['data/images.dvd', 'model.bin.dvd']);
    const at3 = (await readPointersAtRev(repo, c3)).refs;
    expect(at3[0]).toEqual({ pointerFile: 'data/pictures.dvd', target: 'data/pictures', pointer: dirPtr('pictures', 2, 20) });
    const at4 = (await readPointersAtRev(repo, c4)).refs;
    expect(at4.map((r) => [r.target, r.pointer.oid])).toEqual([['data/pictures', oidOf(2)], ['model.bin', oidOf(5)]]);
  });

  it('reads many revisions at once', async () => {
    const { repo, c1, c4 } = makeHistory();
    const m = await readPointersAtRevs(repo, [{ oid: c1, label: 'a' }, { oid: c4, label: 'b' }]);
    expect(m.get(c1)!.refs.length).toBe(1);
    expect(m.get(c4)!.refs.map((r) => r.target)).toEqual(['data/pictures', 'model.bin']);
  });

  it('reports a malformed pointer naming revision and file, and reads the others', async () => {
    const repo = tempRepo({ dvdInit: false });
    const c = commit(repo, { 'deep/x.dvd': 'path: x\ntype: file\noid: sha256:zz\nsize: 1\n', 'y.dvd': `path: y\ntype: file\noid: sha256:${'a'.repeat(64)}\nsize: 1\n` }, 'bad');
    const scan = await readPointersAtRev(repo, c, 'HEAD');
    expect(scan.refs.map((r) => r.pointerFile)).toEqual(['y.dvd']);
    expect(scan.problems).toEqual([expect.objectContaining({ pointerFile: 'deep/x.dvd', code: 'EBADPOINTER', message: expect.stringMatching(/^HEAD:deep\/x\.dvd:3: oid/) })]);
    // Read again under another name, the message names that revision.
    expect((await readPointersAtRev(repo, c, 'main')).problems[0].message).toMatch(/^main:deep\/x\.dvd:3: oid/);
  });

  it('reads a file at a revision, or null', async () => {
    const { repo, c1 } = makeHistory();
    expect((await readFileAtRev(repo, c1, 'src/a.txt'))?.toString()).toBe('a');
    expect(await readFileAtRev(repo, c1, 'data/images.dvd')).toBeNull();
  });
});
});
}
