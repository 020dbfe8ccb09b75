import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, pointerOidAt, storedOids, tempDir, tempRepo, treeHashes, writeFiles, GIT_MODES, useGitMode } from './helpers.js';

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

for (const mode of GIT_MODES) {
  describe(`linked worktrees (${mode})`, () => {
    useGitMode(mode);

    function mainAndWorktree() {
      const main = tempRepo();
      const store = tempDir('dvd-store-');
      // The remote lives in config.local, which Git does not carry to other worktrees.
      dvdOk(main, ['remote', 'add', '--local', '-d', 'store', store]);
      writeFiles(main, { 'model.bin': 'model v1', 'data/a.txt': 'a1', 'data/b.txt': 'b1' });
      dvdOk(main, ['add', 'model.bin', 'data']);
      const v1 = commitAll(main, 'v1');
      const wt = path.join(tempDir('dvd-wt-'), 'wt2');
      git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');
      return { main, wt, store, v1 };
    }

    it('share one cache: a new worktree checks out from the main cache, and its commits land there', () => {
      const { main, wt } = mainAndWorktree();
      expect(fs.existsSync(path.join(wt, 'data'))).toBe(false);
      dvdOk(wt, ['checkout']);
      expect(treeHashes(path.join(wt, 'data'))).toEqual(treeHashes(path.join(main, 'data')));
      expect(read(wt, 'model.bin')).toBe('model v1');
      expect(dvdOk(wt, ['status']).stdout).not.toMatch(/modified|deleted/);
      writeFiles(wt, { 'model.bin': 'model feat' });
      dvdOk(wt, ['commit']);
      const feat = commitAll(wt, 'feat');
      expect(storedOids(path.join(main, '.dvd/cache'))).toContain(pointerOidAt(main, feat, 'model.bin.dvd'));
      expect(fs.existsSync(path.join(wt, '.dvd/cache/sha256'))).toBe(false);
      // And the main worktree checks the feature out from the same cache.
      git(main, 'checkout', '-q', 'feat~0');
      dvdOk(main, ['checkout']);
      expect(read(main, 'model.bin')).toBe('model feat');
    });

    it('a relative cache.dir names the same cache from a worktree at another depth (taken from the shared .dvd)', () => {
      for (const local of [false, true]) {
        const main = tempRepo();
        const cache = path.join(tempDir('dvd-cache-'), 'cache');
        dvdOk(main, ['cache', 'dir', ...(local ? ['--local'] : []), path.relative(main, cache)]);
        writeFiles(main, { 'model.bin': 'model v1' });
        dvdOk(main, ['add', 'model.bin']);
        commitAll(main, 'v1');
        const wt = path.join(tempDir('dvd-wt-'), 'deeper', 'wt2');
        git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');
        expect(dvdOk(wt, ['cache', 'dir']).stdout.trim()).toBe(cache);
        dvdOk(wt, ['checkout']);
        expect(read(wt, 'model.bin')).toBe('model v1');
      }
    });

    it('config.local, remotes and push work from the linked worktree', () => {
      const { wt, store } = mainAndWorktree();
      expect(dvdOk(wt, ['remote', 'list']).stdout).toContain('store');
      dvdOk(wt, ['checkout']);
      dvdOk(wt, ['push']);
      expect(fs.readdirSync(path.join(store, 'sha256')).length).toBeGreaterThan(0);
      dvdOk(wt, ['config', '--local', 'core.remote', 'store']);
      expect(dvdOk(wt, ['config', 'core.remote']).stdout.trim()).toBe('store');
    });

    it('hooks installed from a linked worktree run in every worktree', () => {
      const { main, wt } = mainAndWorktree();
      dvdOk(wt, ['install']);
      expect(fs.existsSync(path.join(main, '.git/hooks/post-checkout'))).toBe(true);
      expect(git(main, 'config', 'merge.dvd.driver')).toContain('merge-driver');
      dvdOk(wt, ['checkout']);
      writeFiles(wt, { 'model.bin': 'model feat' });
      dvdOk(wt, ['commit']);
      commitAll(wt, 'feat');
      git(wt, 'checkout', '-q', 'HEAD~1');
      expect(read(wt, 'model.bin')).toBe('model v1');
      git(wt, 'checkout', '-q', 'feat');
      expect(read(wt, 'model.bin')).toBe('model feat');
      // The pointer merge driver (one entry in the shared Git config) merges in the
      // linked worktree too: different files of data/ changed on each side. Installed
      // (again) from the main worktree, so nothing may point at one worktree only.
      dvdOk(main, ['install']);
      git(wt, 'checkout', '-q', '-b', 'left');
      writeFiles(wt, { 'data/a.txt': 'left a' });
      dvdOk(wt, ['commit']);
      commitAll(wt, 'left');
      git(wt, 'checkout', '-q', 'feat');
      writeFiles(wt, { 'data/b.txt': 'right b' });
      dvdOk(wt, ['commit']);
      commitAll(wt, 'right');
      git(wt, 'merge', '-q', '--no-edit', 'left');
      expect(read(wt, 'data/a.txt')).toBe('left a');
      expect(read(wt, 'data/b.txt')).toBe('right b');
      expect(fs.readdirSync(main).filter((f) => f.startsWith('.merge_file'))).toEqual([]);
    });

    it("gc from any worktree keeps what every worktree's workspace and HEAD use", () => {
      const { main, wt } = mainAndWorktree();
      dvdOk(wt, ['checkout']);
      writeFiles(wt, { 'model.bin': 'model feat' });
      dvdOk(wt, ['commit']);
      const feat = commitAll(wt, 'feat');
      // An uncommitted version in wt2's workspace.
      writeFiles(wt, { 'data/a.txt': 'a draft' });
      dvdOk(wt, ['commit']);
      dvdOk(main, ['gc', '-w', '-f']);
      const cache = storedOids(path.join(main, '.dvd/cache'));
      expect(cache).toContain(pointerOidAt(main, feat, 'model.bin.dvd'));
      fs.rmSync(path.join(wt, 'data'), { recursive: true });
      dvdOk(wt, ['checkout']);
      expect(read(wt, 'data/a.txt')).toBe('a draft');
      // wt2's HEAD (feat) is kept by a gc elsewhere even when wt2's workspace moves on.
      writeFiles(wt, { 'model.bin': 'model next' });
      dvdOk(wt, ['commit']);
      dvdOk(main, ['gc', '-w', '-f']);
      expect(storedOids(path.join(main, '.dvd/cache'))).toContain(pointerOidAt(main, feat, 'model.bin.dvd'));
      // main's workspace and HEAD (v1) are kept by a gc run in wt2, whose own scope is
      // its workspace: feat's model.bin goes (wt2 has moved on from it).
      dvdOk(wt, ['gc', '-w', '-f']);
      expect(storedOids(path.join(main, '.dvd/cache'))).toContain(pointerOidAt(main, 'main', 'model.bin.dvd'));
      expect(storedOids(path.join(main, '.dvd/cache'))).not.toContain(pointerOidAt(main, feat, 'model.bin.dvd'));
      expect(read(wt, 'model.bin')).toBe('model next');
    });

    it('one lock for all worktrees: a holder in the main worktree blocks writers in the linked one', () => {
      const { main, wt } = mainAndWorktree();
      fs.writeFileSync(path.join(main, '.dvd/state.lock'), JSON.stringify({ pid: process.pid, command: 'gc' }));
      const r = dvd(wt, ['checkout'], { env: { DVD_LOCK_WAIT_MS: '200' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`pid ${process.pid}: dvd gc`);
      fs.rmSync(path.join(main, '.dvd/state.lock'));
      dvdOk(wt, ['checkout']);
    });
  });
}

describe('worktrees of a bare repository', () => {
  it("share one cache under Git's common dir", () => {
    const src = tempRepo();
    writeFiles(src, { 'model.bin': 'model v1' });
    dvdOk(src, ['add', 'model.bin']);
    commitAll(src, 'v1');
    const bare = path.join(tempDir('dvd-bare-'), 'repo.git');
    git(path.dirname(bare), 'clone', '-q', '--bare', src, bare);
    const a = path.join(path.dirname(bare), 'a');
    const b = path.join(path.dirname(bare), 'b');
    git(bare, 'worktree', 'add', '-q', a, 'main');
    git(bare, 'worktree', 'add', '-q', '-b', 'other', b, 'main');
    // The object reaches worktree a's cache by hand (as a pull would), then b sees it.
    const oid = pointerOidAt(src, 'main', 'model.bin.dvd');
    const obj = path.join('sha256', oid.slice(0, 2), oid.slice(2));
    const shared = path.join(bare, 'dvd', 'cache');
    fs.mkdirSync(path.dirname(path.join(shared, obj)), { recursive: true });
    fs.copyFileSync(path.join(src, '.dvd/cache', obj), path.join(shared, obj));
    dvdOk(a, ['checkout']);
    dvdOk(b, ['checkout']);
    expect(read(a, 'model.bin')).toBe('model v1');
    expect(read(b, 'model.bin')).toBe('model v1');
  });
});
