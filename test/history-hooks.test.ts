import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');
/** git that may fail: the merge-conflict test asserts on the exit code. */
function gitRun(cwd: string, ...args: string[]) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_COMMITTER_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_EMAIL: 't@e' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('dvd install', () => {
  it('installs hooks idempotently, chains existing hooks and uninstalls exactly what it added', () => {
    const repo = tempRepo();
    const hooks = path.join(repo, '.git', 'hooks');
    const mine = '#!/bin/sh\necho "user hook ran $3" >> "$(git rev-parse --git-dir)/user-hook.log"\nexit 0\n';
    const nodeHook = '#!/usr/bin/env node\nrequire("fs").appendFileSync(".git/node-hook.log", "ran\\n");\n';
    writeFiles(hooks, { 'post-checkout': mine, 'post-merge': nodeHook });
    fs.chmodSync(path.join(hooks, 'post-checkout'), 0o755);
    fs.chmodSync(path.join(hooks, 'post-merge'), 0o755);
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.png binary\n');

    const r1 = JSON.parse(dvdOk(repo, ['install', '--json']).stdout);
    expect(r1.hooks).toEqual([
      { name: 'post-checkout', action: 'chained' },
      { name: 'post-merge', action: 'chained' },
      { name: 'pre-push', action: 'created' },
    ]);
    const after1 = treeHashes(hooks);
    const r2 = JSON.parse(dvdOk(repo, ['install', '--json']).stdout);
    expect(r2.hooks.map((h: { action: string }) => h.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(treeHashes(hooks)).toEqual(after1);
    expect(read(repo, '.gitattributes')).toBe('*.png binary\n*.dvd text eol=lf\n*.dvd merge=dvd\n');
    expect(git(repo, 'config', 'merge.dvd.driver')).toContain('merge-driver "$PWD"/%O "$PWD"/%A "$PWD"/%B %P');
    // The user's shell hook still runs (after dvd's block), and so does the node one.
    const pc = read(repo, '.git/hooks/post-checkout');
    expect(pc.startsWith('#!/bin/sh\n# >>> dvd >>>')).toBe(true);
    expect(pc).toContain(process.execPath);
    expect(pc.endsWith(mine.slice('#!/bin/sh\n'.length))).toBe(true);
    expect(read(repo, '.git/hooks/post-merge.dvd-chained')).toBe(nodeHook);

    const r3 = JSON.parse(dvdOk(repo, ['install', '--uninstall', '--json']).stdout);
    expect(r3.hooks.map((h: { action: string }) => h.action)).toEqual(['removed', 'restored', 'removed']);
    expect(read(repo, '.git/hooks/post-checkout')).toBe(mine);
    expect(read(repo, '.git/hooks/post-merge')).toBe(nodeHook);
    expect(fs.existsSync(path.join(hooks, 'pre-push'))).toBe(false);
    expect(fs.existsSync(path.join(hooks, 'post-merge.dvd-chained'))).toBe(false);
    // The LF rule for pointers is dvd init's too, not the hooks': it stays.
    expect(read(repo, '.gitattributes')).toBe('*.png binary\n*.dvd text eol=lf\n');
    expect(gitRun(repo, 'config', 'merge.dvd.driver').code).toBe(1);
  });

  it('hooks check out quietly: nothing printed after a git checkout with no data to change, errors still are', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'model.bin': 'model v1' });
    dvdOk(repo, ['add', 'model.bin']);
    dvdOk(repo, ['install']);
    commitAll(repo, 'v1');
    expect(read(repo, '.git/hooks/post-checkout')).toContain(" -q checkout");
    expect(read(repo, '.git/hooks/post-merge')).toContain(" -q checkout");
    // A new branch at the same commit: the hook runs, with nothing to do and nothing to say.
    const same = gitRun(repo, 'checkout', '-b', 'feature');
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
    expect(same.stderr).toBe("Switched to a new branch 'feature'\n");
    // Data that changes is checked out without a word.
    writeFiles(repo, { 'model.bin': 'model v2' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v2');
    const back = gitRun(repo, 'checkout', 'main');
    expect(back.stdout + back.stderr).toBe("Switched to branch 'main'\n");
    expect(read(repo, 'model.bin')).toBe('model v1');
    // A merge (post-merge) is as quiet.
    const merged = gitRun(repo, 'merge', '--ff-only', '-q', 'feature');
    expect(merged.code).toBe(0);
    expect(merged.stdout + merged.stderr).toBe('');
    expect(read(repo, 'model.bin')).toBe('model v2');
    // What goes wrong is still said: v1's object is gone from the cache.
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const missing = gitRun(repo, 'checkout', 'HEAD~1');
    expect(missing.stderr).toContain('1 object(s) are not in the cache');
    expect(missing.stderr).toContain('hint: run `dvd pull`');
    expect(read(repo, 'model.bin')).toBe('model v2');
  });

  it('makes `git checkout` update the data by itself, and `git push` push the data first', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a.txt': 'v1 a', 'data/b.txt': 'v1 b', 'model.bin': 'model v1' });
    dvdOk(repo, ['add', 'data', 'model.bin']);
    commitAll(repo, 'v1');
    git(repo, 'tag', 'v1');
    const v1 = treeHashes(path.join(repo, 'data'));
    writeFiles(repo, { 'data/a.txt': 'v2 a', 'data/c.txt': 'v2 c', 'model.bin': 'model v2' });
    fs.rmSync(path.join(repo, 'data/b.txt'));
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v2');
    const v2 = treeHashes(path.join(repo, 'data'));
    // A user's pre-push hook that reads Git's stdin keeps getting it.
    const log = path.join(repo, '.git', 'user-pre-push.log');
    writeFiles(path.join(repo, '.git', 'hooks'), { 'pre-push': `#!/bin/sh\ncat >> '${log}'\n` });
    fs.chmodSync(path.join(repo, '.git', 'hooks', 'pre-push'), 0o755);
    dvdOk(repo, ['install']);
    commitAll(repo, 'gitattributes');

    git(repo, 'checkout', '-q', 'v1');
    expect(treeHashes(path.join(repo, 'data'))).toEqual(v1);
    expect(read(repo, 'model.bin')).toBe('model v1');
    git(repo, 'checkout', '-q', 'main');
    expect(treeHashes(path.join(repo, 'data'))).toEqual(v2);
    expect(read(repo, 'model.bin')).toBe('model v2');
    // A file checkout ($3 = 0) leaves data alone (here: an uncommitted edit survives).
    writeFiles(repo, { 'notes.txt': 'x' });
    commitAll(repo, 'notes');
    writeFiles(repo, { 'notes.txt': 'y' });
    commitAll(repo, 'notes2');
    writeFiles(repo, { 'data/a.txt': 'work in progress' });
    git(repo, 'checkout', 'HEAD~1', '--', 'notes.txt');
    expect(read(repo, 'data/a.txt')).toBe('work in progress');
    git(repo, 'checkout', '-q', 'HEAD', '--', 'notes.txt');
    dvdOk(repo, ['checkout', '--force']);

    // pre-push: the data reaches the dvd remote before Git's refs reach the Git remote.
    const store = tempDir('dvd-store-');
    const bare = tempDir('dvd-bare-');
    git(bare, 'init', '-q', '--bare', '-b', 'main');
    dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
    git(repo, 'remote', 'add', 'origin', bare);
    commitAll(repo, 'dvd remote');
    expect(fs.readdirSync(store)).toEqual([]);
    git(repo, 'push', '-q', 'origin', 'main');
    const clone = tempDir('dvd-clone-');
    git(clone, 'clone', '-q', bare, '.');
    dvdOk(clone, ['pull']);
    expect(treeHashes(path.join(clone, 'data'))).toEqual(v2);
    expect(read(repo, '.git/user-pre-push.log')).toContain('refs/heads/main');
    // Pushing a branch that is not checked out pushes that branch's data.
    git(repo, 'checkout', '-q', '-b', 'other');
    writeFiles(repo, { 'model.bin': 'model other' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'other');
    git(repo, 'checkout', '-q', 'main');
    expect(read(repo, 'model.bin')).toBe('model v2');
    git(repo, 'push', '-q', 'origin', 'other');
    git(clone, 'fetch', '-q', 'origin');
    git(clone, 'checkout', '-q', 'origin/other');
    dvdOk(clone, ['pull']);
    expect(read(clone, 'model.bin')).toBe('model other');
    expect(read(repo, '.git/user-pre-push.log')).toContain('refs/heads/other');
    // Without a reachable dvd remote, the push is stopped, not silently done.
    fs.rmSync(store, { recursive: true });
    fs.writeFileSync(store, 'not a folder');
    writeFiles(repo, { 'data/d.txt': 'more' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v3');
    const blocked = gitRun(repo, 'push', '-q', 'origin', 'main');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('dvd: pushing data failed');
    expect(git(bare, 'rev-parse', 'main').trim()).not.toBe(git(repo, 'rev-parse', 'main').trim());
  });
});

describe('merge driver', () => {
  function branches() {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a.txt': 'base a', 'data/b.txt': 'base b', 'data/c.txt': 'base c' });
    dvdOk(repo, ['add', 'data']);
    commitAll(repo, 'base');
    dvdOk(repo, ['install']);
    commitAll(repo, 'attributes');
    git(repo, 'checkout', '-q', '-b', 'left');
    return repo;
  }

  it('merges changes to different files of one tracked directory cleanly', () => {
    const repo = branches();
    writeFiles(repo, { 'data/a.txt': 'left a', 'data/new-left.txt': 'L' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'left');
    git(repo, 'checkout', '-q', 'main');
    writeFiles(repo, { 'data/b.txt': 'right b' });
    fs.rmSync(path.join(repo, 'data/c.txt'));
    dvdOk(repo, ['commit']);
    commitAll(repo, 'right');
    const m = gitRun(repo, 'merge', '--no-edit', 'left');
    expect(m.code, m.stderr).toBe(0);
    // The merged pointer is valid, and post-merge checked its data out.
    expect(read(repo, 'data.dvd')).toMatch(/^path: data\ntype: dir\noid: sha256:[0-9a-f]{64}\nsize: \d+\nfiles: 3\n$/);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(
      treeHashes((() => {
        const d = tempDir();
        writeFiles(d, { 'a.txt': 'left a', 'b.txt': 'right b', 'new-left.txt': 'L' });
        return d;
      })()),
    );
    expect(JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0].state).toBe('unchanged');
  });

  it('reports files both sides changed as conflicts, never picking one', () => {
    const repo = branches();
    writeFiles(repo, { 'data/a.txt': 'left a', 'data/b.txt': 'left b' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'left');
    git(repo, 'checkout', '-q', 'main');
    writeFiles(repo, { 'data/a.txt': 'right a', 'data/c.txt': 'right c' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'right');
    const ours = read(repo, 'data.dvd');
    const m = gitRun(repo, 'merge', '--no-edit', 'left');
    expect(m.code).not.toBe(0);
    expect(m.stderr + m.stdout).toContain('data/a.txt: ours');
    expect(m.stderr + m.stdout).not.toContain('data/b.txt: ours');
    expect(git(repo, 'status', '--porcelain')).toContain('UU data.dvd');
    const text = read(repo, 'data.dvd');
    expect(text.startsWith(`<<<<<<< ours\n${ours}=======\n`)).toBe(true);
    // dvd refuses to act on the conflicted pointer, with a hint.
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    expect(st.stderr).toContain('conflict markers');
  });
});
