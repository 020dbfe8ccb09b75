import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, seededBytes, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

// Issue 9 B6 (one unreadable pointer must not stop every command) and A4 (two pointers
// for one target: refused, naming both, and never rewritten).

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');
const BAD_OID = /bad\.dvd:3: oid: bad oid "sha256:1234"/;

function objectsIn(dir: string): string[] {
  const root = path.join(dir, 'sha256');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((fan) => fs.readdirSync(path.join(root, fan)).map((rest) => fan + rest)).sort();
}

/** good/ and model.bin tracked and committed, pushed to a folder remote; bad.dvd is damaged. */
function repoWithBadPointer() {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  writeFiles(repo, { 'good/a.bin': seededBytes(1, 2000), 'good/b.txt': 'b', 'model.bin': seededBytes(2, 300), 'bad/x': 'x' });
  dvdOk(repo, ['add', 'good', 'model.bin', 'bad']);
  dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
  fs.writeFileSync(path.join(repo, 'bad.dvd'), read(repo, 'bad.dvd').replace(/sha256:[0-9a-f]+/, 'sha256:1234'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  return { repo, store };
}

describe('one unreadable pointer', { timeout: 120_000 }, () => {
  it('status, checkout, commit report it (file, line, field), do the rest, exit 1', () => {
    const { repo } = repoWithBadPointer();
    fs.writeFileSync(path.join(repo, 'good/b.txt'), 'changed');
    fs.rmSync(path.join(repo, 'model.bin'));

    const st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(BAD_OID);
    expect(st.stdout).toContain('modified: good/b.txt');
    expect(st.stdout).toContain('deleted:  model.bin');
    const json = dvd(repo, ['status', '--json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.targets.map((t: { target: string }) => t.target)).toEqual(['good', 'model.bin']);
    expect(doc.problems).toEqual([expect.objectContaining({ pointerFile: 'bad.dvd', code: 'EBADPOINTER' })]);

    const goodBefore = read(repo, 'good.dvd');
    const cm = dvd(repo, ['commit', 'good', 'bad']);
    expect(cm.code).toBe(1);
    expect(cm.stderr).toMatch(BAD_OID);
    expect(read(repo, 'good.dvd')).not.toBe(goodBefore);
    expect(cm.stdout).toContain('committed good -> good.dvd');
    expect(dvd(repo, ['status', 'good']).code).toBe(0);

    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toMatch(BAD_OID);
    expect(fs.readFileSync(path.join(repo, 'model.bin'))).toEqual(seededBytes(2, 300));
  });

  it('push, fetch and pull move the data of every other pointer, then exit 1', () => {
    const { repo, store } = repoWithBadPointer();
    const push = dvd(repo, ['push']);
    expect(push.code).toBe(1);
    expect(push.stderr).toMatch(BAD_OID);
    // good's 2 files + its manifest + model.bin
    expect(objectsIn(store)).toHaveLength(4);

    const clone = tempDir('dvd-clone-');
    git(path.dirname(clone), 'clone', '-q', repo, clone);
    const fetch = dvd(clone, ['fetch']);
    expect(fetch.code).toBe(1);
    expect(fetch.stderr).toMatch(BAD_OID);
    expect(objectsIn(path.join(clone, '.dvd/cache'))).toHaveLength(4);
    const pull = dvd(clone, ['pull']);
    expect(pull.code).toBe(1);
    expect(pull.stderr.match(/bad\.dvd:3: oid/g)).toHaveLength(1);
    expect(treeHashes(path.join(clone, 'good'))).toEqual(treeHashes(path.join(repo, 'good')));
    expect(fs.readFileSync(path.join(clone, 'model.bin'))).toEqual(seededBytes(2, 300));
    const rs = dvd(clone, ['status', '--remote']);
    expect(rs.code).toBe(1);
    expect(rs.stderr).toMatch(BAD_OID);
  });

  it('untrack, diff and ls do the rest and exit 1; a target that names only good pointers exits 0', () => {
    const { repo } = repoWithBadPointer();
    const ls = dvd(repo, ['ls']);
    expect(ls.code).toBe(1);
    expect(ls.stderr).toMatch(BAD_OID);
    expect(ls.stdout).toContain('model.bin');
    fs.writeFileSync(path.join(repo, 'good/b.txt'), 'changed');
    const diff = dvd(repo, ['diff']);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toMatch(BAD_OID);
    expect(diff.stdout).toContain('modified: good/b.txt');
    expect(dvd(repo, ['status', 'model.bin']).code).toBe(0);

    const un = dvd(repo, ['untrack', 'bad', 'model.bin']);
    expect(un.code).toBe(1);
    expect(un.stderr).toMatch(BAD_OID);
    expect(fs.existsSync(path.join(repo, 'model.bin.dvd'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'bad.dvd'))).toBe(true);
    expect(read(repo, '.gitignore')).toContain('/bad');
  });

  it('gc deletes nothing while a pointer in scope cannot be read', () => {
    const { repo } = repoWithBadPointer();
    fs.writeFileSync(path.join(repo, 'good/b.txt'), 'v2');
    dvdOk(repo, ['add', 'good']);
    const before = objectsIn(path.join(repo, '.dvd/cache'));
    const r = dvd(repo, ['gc', '-w', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(BAD_OID);
    expect(r.stderr).toMatch(/nothing was deleted/);
    expect(objectsIn(path.join(repo, '.dvd/cache'))).toEqual(before);
  });

  it('a bad pointer in an old commit does not stop push --all-commits; gc of that history deletes nothing', () => {
    const { repo, store } = repoWithBadPointer();
    fs.rmSync(path.join(repo, 'bad.dvd'));
    fs.writeFileSync(path.join(repo, 'model.bin'), 'model v2');
    dvdOk(repo, ['commit']);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'v2, bad pointer gone');
    const push = dvd(repo, ['push', '--all-commits']);
    expect(push.code).toBe(1);
    expect(push.stderr).toMatch(/[0-9a-f]{12}:bad\.dvd:3: oid: bad oid/);
    // good (3) + model v1 + model v2
    expect(objectsIn(store)).toHaveLength(5);
    const gc = dvd(repo, ['gc', '--all-commits', '-f']);
    expect(gc.code).toBe(1);
    expect(gc.stderr).toMatch(/bad\.dvd:3: oid/);
  });
});

describe('two pointers for one target', { timeout: 120_000 }, () => {
  /** data/ at v1 with data.dvd, copied to data-v1.dvd "to keep v1 around", then data/ changed. */
  function copiedPointer() {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'v1', 'other/o': 'o' });
    dvdOk(repo, ['add', 'data', 'other']);
    fs.copyFileSync(path.join(repo, 'data.dvd'), path.join(repo, 'data-v1.dvd'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'v1');
    fs.writeFileSync(path.join(repo, 'data/a'), 'v2');
    fs.writeFileSync(path.join(repo, 'other/o'), 'o2');
    return repo;
  }
  const BOTH = /data-v1\.dvd.*data\.dvd|data\.dvd.*data-v1\.dvd/;

  it('commit refuses that target naming both pointers, rewrites neither, commits the rest', () => {
    const repo = copiedPointer();
    const v1 = read(repo, 'data.dvd');
    for (const args of [['commit'], ['commit', 'data'], ['commit', 'data-v1.dvd'], ['commit', 'data/a']]) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(BOTH);
      expect(read(repo, 'data.dvd')).toBe(v1);
      expect(read(repo, 'data-v1.dvd')).toBe(v1);
    }
    expect(read(repo, 'other.dvd')).not.toBe(git(repo, 'show', 'HEAD:other.dvd'));
  });

  it('status, checkout, push and add refuse it too; gc keeps v1', () => {
    const repo = copiedPointer();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
    for (const args of [['status'], ['checkout', '-f'], ['push'], ['add', 'data'], ['untrack', 'data']]) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(BOTH);
    }
    expect(read(repo, 'data/a')).toBe('v2');
    expect(fs.existsSync(path.join(repo, 'data-v1.dvd'))).toBe(true);
    const before = objectsIn(path.join(repo, '.dvd/cache'));
    expect(dvd(repo, ['gc', '-w', '-f']).code).toBe(1);
    expect(objectsIn(path.join(repo, '.dvd/cache'))).toEqual(before);
  });

  it('a pointer whose path names another pointer\'s target: checkout refuses instead of flipping file and folder', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'a/inner': 'folder', 'b': 'file' });
    dvdOk(repo, ['add', 'a', 'b']);
    // b.dvd now claims a (as a file).
    fs.writeFileSync(path.join(repo, 'b.dvd'), read(repo, 'b.dvd').replace('path: b', 'path: a'));
    const before = treeHashes(repo);
    for (let i = 0; i < 2; i++) {
      const r = dvd(repo, ['checkout', '-f']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/a\.dvd.*b\.dvd|b\.dvd.*a\.dvd/);
    }
    expect(treeHashes(repo)).toEqual(before);
  });

  it('add never overwrites a pointer file that belongs to another target', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'x': 'x', 'y': 'y' });
    dvdOk(repo, ['add', 'y']);
    fs.renameSync(path.join(repo, 'y.dvd'), path.join(repo, 'x.dvd'));
    const r = dvd(repo, ['add', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x\.dvd.*tracks y/);
    expect(read(repo, 'x.dvd')).toContain('path: y');
  });
});
