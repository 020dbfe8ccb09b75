import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAllCommits } from '../src/git/listAllCommits.js';
import { resolveRev } from '../src/git/resolveRev.js';
import { commitAll, dvd, dvdOk, git, storedOids, tempDir, tempRepo, writeFiles, GIT_MODES, useGitMode } from './helpers.js';

// Three commits, each with its own model.bin and data/ version; every version pushed.
function upstream() {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
  const commits: string[] = [];
  for (let v = 1; v <= 3; v++) {
    writeFiles(repo, { 'model.bin': `model ${v}`, [`data/f${v}.txt`]: `file ${v}` });
    dvdOk(repo, ['add', 'model.bin', 'data']);
    commits.push(commitAll(repo, `v${v}`));
  }
  dvdOk(repo, ['push', '--all-commits']);
  return { repo, store, commits };
}

function shallowClone(repo: string, depth: number): string {
  const clone = tempDir('dvd-shallow-');
  git(clone, 'clone', '-q', '--depth', String(depth), `file://${repo}`, '.');
  return clone;
}

for (const mode of GIT_MODES) {
  describe(`shallow clones (${mode})`, () => {
    useGitMode(mode);

    it('history walks stop at the shallow boundary, as git log does', async () => {
      const { repo, commits } = upstream();
      const clone = shallowClone(repo, 2);
      expect((await listAllCommits(clone)).sort()).toEqual([commits[1], commits[2]].sort());
      expect(await resolveRev(clone, 'HEAD~1')).toBe(commits[1]);
      await expect(resolveRev(clone, 'HEAD~2')).rejects.toThrow(/shallow/);
    });

    it('push and fetch --all-commits work on the commits that are there and say the clone is shallow', () => {
      const { repo, store, commits } = upstream();
      const clone = shallowClone(repo, 1);
      const fetched = dvd(clone, ['fetch', '--all-commits']);
      expect(fetched.code, fetched.stderr).toBe(0);
      expect(fetched.stderr).toContain('this clone is shallow: --all-commits covers the 1 commit it has');
      const pushed = dvd(clone, ['push', '--all-commits']);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stderr).toContain('shallow');
      // A fresh store gets exactly HEAD's data from this clone: model.bin, data/'s three
      // files and its manifest.
      const store2 = tempDir('dvd-store2-');
      dvdOk(clone, ['remote', 'add', 'other', store2]);
      dvdOk(clone, ['push', '--all-commits', '-r', 'other']);
      expect(storedOids(store2)).toHaveLength(5);
      expect(storedOids(store2).every((o) => storedOids(store).includes(o))).toBe(true);
      expect(git(clone, 'rev-parse', 'HEAD').trim()).toBe(commits[2]);
    });

    it('gc refuses history scopes in a shallow clone and names the fix; -w still works', () => {
      const { repo } = upstream();
      const clone = shallowClone(repo, 1);
      dvdOk(clone, ['pull']);
      for (const scope of [['--all-commits'], ['--all-branches'], ['--rev', 'HEAD']]) {
        const r = dvd(clone, ['gc', ...scope, '--dry-run']);
        expect(r.code, scope.join(' ')).toBe(1);
        expect(r.stderr).toContain('shallow');
        expect(r.stderr).toContain('git fetch --unshallow');
      }
      dvdOk(clone, ['gc', '-w', '--dry-run']);
    });

    it('dvd diff HEAD~1 in a depth-1 clone says the clone is shallow', () => {
      const { repo } = upstream();
      const clone = shallowClone(repo, 1);
      const r = dvd(clone, ['diff', 'HEAD~1']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('shallow');
      expect(r.stderr).toContain('git fetch --unshallow');
      // Deep enough: the same command works.
      const deeper = shallowClone(repo, 2);
      dvdOk(deeper, ['pull']);
      expect(dvdOk(deeper, ['diff', 'HEAD~1']).stdout).toContain('f3.txt');
    });
  });
}
