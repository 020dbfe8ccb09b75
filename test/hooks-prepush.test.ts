import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvdOk, git, pointerOidAt, storedOids, tempDir, tempRepo, treeHashes, writeFiles, GIT_MODES, useGitMode } from './helpers.js';

/** data/ and model.bin of a commit, as a teammate gets them: clone, check out, dvd pull. */
function teammateSees(bare: string, rev: string): { data: Record<string, string>; model: string } {
  const clone = tempDir('dvd-mate-');
  git(clone, 'clone', '-q', bare, '.');
  git(clone, 'checkout', '-q', rev);
  dvdOk(clone, ['pull']);
  return { data: treeHashes(path.join(clone, 'data')), model: fs.readFileSync(path.join(clone, 'model.bin'), 'utf8') };
}

for (const mode of GIT_MODES) {
  describe(`pre-push hook (${mode})`, () => {
    useGitMode(mode);

    it('pushes the data of every commit the push sends, not only the tip, and nothing the remote already has', () => {
      const repo = tempRepo();
      const store = tempDir('dvd-store-');
      const bare = tempDir('dvd-bare-');
      git(bare, 'init', '-q', '--bare', '-b', 'main');
      dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
      git(repo, 'remote', 'add', 'origin', bare);
      dvdOk(repo, ['install']);
      writeFiles(repo, { 'data/a.txt': 'a1', 'data/b.txt': 'b1', 'model.bin': 'model 1' });
      dvdOk(repo, ['add', 'data', 'model.bin']);
      const c1 = commitAll(repo, 'c1');
      git(repo, 'push', '-q', 'origin', 'main');
      // Data of c1 that the store then loses: a later push must not send it again (c1 is
      // on the remote already), which tells a push of the new commits from --all-commits.
      const c1Only = storedOids(store);

      const snaps: Record<string, { data: Record<string, string>; model: string }> = {};
      const snap = (sha: string) => (snaps[sha] = { data: treeHashes(path.join(repo, 'data')), model: fs.readFileSync(path.join(repo, 'model.bin'), 'utf8') });
      writeFiles(repo, { 'data/a.txt': 'a2', 'model.bin': 'model 2' });
      dvdOk(repo, ['commit']);
      const c2 = commitAll(repo, 'c2');
      snap(c2);
      writeFiles(repo, { 'data/b.txt': 'b3', 'model.bin': 'model 3' });
      dvdOk(repo, ['commit']);
      const c3 = commitAll(repo, 'c3');
      snap(c3);
      fs.rmSync(path.join(store, 'sha256'), { recursive: true });
      fs.mkdirSync(path.join(store, 'sha256'));
      git(repo, 'push', '-q', 'origin', 'main');
      expect(teammateSees(bare, c2)).toEqual(snaps[c2]);
      expect(teammateSees(bare, c3)).toEqual(snaps[c3]);
      expect(storedOids(store)).not.toContain(pointerOidAt(repo, c1, 'model.bin.dvd'));
      expect(c1Only).toContain(pointerOidAt(repo, c1, 'model.bin.dvd'));

      // A new branch: every commit not on any of origin's remote-tracking branches.
      git(repo, 'checkout', '-q', '-b', 'feat');
      writeFiles(repo, { 'data/c.txt': 'c4', 'model.bin': 'model 4' });
      dvdOk(repo, ['commit']);
      const f1 = commitAll(repo, 'f1');
      snap(f1);
      writeFiles(repo, { 'data/c.txt': 'c5', 'model.bin': 'model 5' });
      dvdOk(repo, ['commit']);
      const f2 = commitAll(repo, 'f2');
      snap(f2);
      git(repo, 'checkout', '-q', 'main');
      dvdOk(repo, ['checkout']);
      git(repo, 'push', '-q', 'origin', 'feat');
      expect(teammateSees(bare, f1)).toEqual(snaps[f1]);
      expect(teammateSees(bare, f2)).toEqual(snaps[f2]);
      expect(storedOids(store)).not.toContain(pointerOidAt(repo, c1, 'model.bin.dvd'));
    });
  });
}
