import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempRepo, treeHashes, writeFiles } from './helpers.js';

// What the workspace walk of add, commit, status and checkout leaves out: other tools'
// metadata folders (issue 9 B13) and paths matched by .dvdignore (issue 11 item 4).

const UP_TO_DATE = 'Data and pointers are up to date.\n';
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Paths a target's manifest records (through `dvd ls`). */
function recorded(repo: string, target: string): string[] {
  return JSON.parse(dvdOk(repo, ['ls', target, '-R', '--json']).stdout)
    .entries.filter((e: { type: string }) => e.type === 'file')
    .map((e: { path: string }) => `${target}/${e.path}`)
    .sort();
}

describe('metadata folders of other tools inside tracked data', () => {
  it('a data folder that is a Git clone: its .git is skipped (noted once), and checkout never rewinds it', () => {
    const repo = tempRepo();
    const clone = path.join(repo, 'data/clone');
    writeFiles(repo, { 'data/clone/rows.csv': 'a,b\n', 'data/top.txt': 'top', 'data/hg/.hg/store': 'hg', 'data/svn/.svn/entries': 'svn', 'data/inner/.dvd/config': '' });
    git(clone, 'init', '-q', '-b', 'main');
    git(clone, 'add', '.');
    git(clone, 'commit', '-qm', 'first');
    const add = dvdOk(repo, ['add', 'data']);
    expect(add.stderr).toContain("note: skipping data/clone/.git: another tool's repository metadata, not data");
    for (const d of ['data/hg/.hg', 'data/svn/.svn', 'data/inner/.dvd']) expect(add.stderr).toContain(`note: skipping ${d}:`);
    expect(recorded(repo, 'data')).toEqual(['data/clone/rows.csv', 'data/top.txt']);
    // The note comes once.
    expect(dvdOk(repo, ['status'])).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: '' });
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');

    // The clone moves on (its .git changes); dvd neither reports nor undoes that.
    fs.writeFileSync(path.join(clone, 'more.csv'), 'c,d\n');
    git(clone, 'add', '.');
    git(clone, 'commit', '-qm', 'second');
    const gitDir = treeHashes(path.join(clone, '.git'));
    const st = JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0];
    expect(st.added).toEqual(['data/clone/more.csv']);
    expect(st.modified).toEqual([]);
    dvdOk(repo, ['checkout', '-f']);
    expect(fs.existsSync(path.join(clone, 'more.csv'))).toBe(false);
    expect(treeHashes(path.join(clone, '.git'))).toEqual(gitDir);
    expect(git(clone, 'rev-list', '--count', 'HEAD').trim()).toBe('2');
    // A clone whose .git is a file (linked worktree, submodule) is skipped the same way.
    fs.writeFileSync(path.join(repo, 'data/top.git-like'), 'x');
    writeFiles(repo, { 'data/wt/.git': 'gitdir: /elsewhere\n', 'data/wt/f': 'f' });
    dvdOk(repo, ['commit']);
    expect(recorded(repo, 'data')).not.toContain('data/wt/.git');
    expect(recorded(repo, 'data')).toContain('data/wt/f');
  });

  it('a manifest that recorded a .git folder (made by an older dvd) never writes into it', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/clone/.git/HEAD': 'ref: refs/heads/mine\n', 'data/a': 'A' });
    const old = 'ref: refs/heads/old\n';
    const objects: Record<string, string> = { [sha(old)]: old, [sha('A')]: 'A' };
    const manifest = `dvd-manifest 1\n${sha('A')} 1 - a\n${sha(old)} ${old.length} - clone/.git/HEAD\n`;
    objects[sha(manifest)] = manifest;
    for (const [oid, body] of Object.entries(objects)) {
      const f = path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2));
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, body);
    }
    fs.writeFileSync(path.join(repo, 'data.dvd'), `path: data\ntype: dir\noid: sha256:${sha(manifest)}\nsize: ${1 + old.length}\nfiles: 2\n`);
    dvdOk(repo, ['checkout', '-f']);
    expect(fs.readFileSync(path.join(repo, 'data/clone/.git/HEAD'), 'utf8')).toBe('ref: refs/heads/mine\n');
    // Status lists no file (the .git entry is not data) but the pointer is out of date
    // until a commit drops the entry.
    const st = JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0];
    expect(st).toMatchObject({ state: 'modified', added: [], modified: [], deleted: [] });
    dvdOk(repo, ['commit']);
    expect(recorded(repo, 'data')).toEqual(['data/a']);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });
});

describe('.dvdignore', () => {
  const ROOT_RULES = '# junk\n.DS_Store\n.ipynb_checkpoints/\n__pycache__/\n*.tmp\n!keep.tmp\n/data/scratch/\n';

  function junkRepo(): string {
    const repo = tempRepo();
    writeFiles(repo, {
      '.dvdignore': ROOT_RULES,
      'data/a.csv': 'a',
      'data/.DS_Store': 'finder',
      'data/nb/.ipynb_checkpoints/x-checkpoint.ipynb': '{}',
      'data/nb/x.ipynb': '{"cells":[]}',
      'data/pkg/__pycache__/m.cpython-311.pyc': 'pyc',
      'data/pkg/m.py': 'print(1)\n',
      'data/w.tmp': 'tmp',
      'data/keep.tmp': 'kept',
      'data/scratch/s.bin': 'scratch',
      'data/deep/scratch/s.bin': 'not anchored here',
      'data/sub/.dvdignore': '*.log\n',
      'data/sub/y.log': 'log',
      'data/x.log': 'a log outside sub',
    });
    return repo;
  }

  it('typical junk never enters a manifest; rules of the root and of folders inside the target apply', () => {
    const repo = junkRepo();
    const add = dvdOk(repo, ['add', 'data']);
    expect(add.stdout).toMatch(/added data \(7 files/);
    expect(recorded(repo, 'data')).toEqual([
      'data/a.csv', 'data/deep/scratch/s.bin', 'data/keep.tmp', 'data/nb/x.ipynb', 'data/pkg/m.py', 'data/sub/.dvdignore', 'data/x.log',
    ]);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    // More junk, changed junk: still nothing to report or commit.
    const pointer = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    writeFiles(repo, { 'data/new/.DS_Store': 'x', 'data/pkg/__pycache__/n.pyc': 'n', 'data/w.tmp': 'changed', 'data/sub/z.log': 'z' });
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    dvdOk(repo, ['commit']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toBe(pointer);
    // Checkout leaves ignored files alone, also when switching versions.
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    fs.rmSync(path.join(repo, 'data/pkg/m.py'));
    dvdOk(repo, ['commit']);
    git(repo, 'commit', '-qam', 'v2');
    git(repo, 'checkout', '-q', 'HEAD~1');
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'data/pkg/m.py'), 'utf8')).toBe('print(1)\n');
    expect(fs.readFileSync(path.join(repo, 'data/pkg/__pycache__/n.pyc'), 'utf8')).toBe('n');
    expect(fs.readFileSync(path.join(repo, 'data/.DS_Store'), 'utf8')).toBe('finder');
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('a file the manifest records stays data when a rule matches it later (as Git keeps tracked files)', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a.csv': 'a', 'data/old.tmp': 'v1', 'data/cache/c.bin': 'c' });
    dvdOk(repo, ['add', 'data']);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    fs.writeFileSync(path.join(repo, '.dvdignore'), '*.tmp\ncache/\n');
    writeFiles(repo, { 'data/new.tmp': 'junk', 'data/cache/d.bin': 'junk' });
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    fs.writeFileSync(path.join(repo, 'data/old.tmp'), 'v2');
    fs.writeFileSync(path.join(repo, 'data/cache/c.bin'), 'c2');
    const st = JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets[0];
    expect(st).toMatchObject({ state: 'modified', added: [], modified: ['data/cache/c.bin', 'data/old.tmp'], deleted: [] });
    dvdOk(repo, ['commit']);
    expect(recorded(repo, 'data')).toEqual(['data/a.csv', 'data/cache/c.bin', 'data/old.tmp']);
    // Checkout of the older version restores the recorded files, rules or not.
    git(repo, 'commit', '-qam', 'v2');
    git(repo, 'checkout', '-q', 'HEAD~1');
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'data/old.tmp'), 'utf8')).toBe('v1');
    expect(fs.readFileSync(path.join(repo, 'data/cache/c.bin'), 'utf8')).toBe('c');
    // Deleted and committed, it is gone for good: the rule keeps new ones out.
    git(repo, 'checkout', '-q', 'main');
    dvdOk(repo, ['checkout']);
    fs.rmSync(path.join(repo, 'data/old.tmp'));
    dvdOk(repo, ['commit']);
    fs.writeFileSync(path.join(repo, 'data/old.tmp'), 'back');
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    expect(recorded(repo, 'data')).toEqual(['data/a.csv', 'data/cache/c.bin']);
  });

  it('dvd check-ignore says which rule matched, like git check-ignore -v', () => {
    const repo = junkRepo();
    const r = dvd(repo, ['check-ignore', 'data/pkg/__pycache__/m.cpython-311.pyc', 'data/a.csv', 'data/sub/y.log', 'data/keep.tmp', 'data/w.tmp', 'data/scratch', 'data/x.log']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      '.dvdignore:4:__pycache__/\tdata/pkg/__pycache__/m.cpython-311.pyc',
      'data/sub/.dvdignore:1:*.log\tdata/sub/y.log',
      '.dvdignore:6:!keep.tmp\tdata/keep.tmp',
      '.dvdignore:5:*.tmp\tdata/w.tmp',
      '.dvdignore:7:/data/scratch/\tdata/scratch',
      '',
    ].join('\n'));
    // Paths as typed, relative to the current folder; exit 1 when nothing is ignored (a
    // `!pattern` that re-includes a path is shown, as git -v shows it).
    const sub = path.join(repo, 'data/sub');
    expect(dvd(sub, ['check-ignore', 'y.log']).stdout).toBe('data/sub/.dvdignore:1:*.log\ty.log\n');
    const none = dvd(sub, ['check-ignore', '../a.csv', '../keep.tmp']);
    expect(none).toMatchObject({ code: 1, stdout: '.dvdignore:6:!keep.tmp\t../keep.tmp\n' });
    expect(dvd(repo, ['check-ignore', '/etc/passwd']).code).toBe(1);
    expect(dvd(repo, ['check-ignore']).code).toBe(2);
  });

  it('matches what git check-ignore says for the same rules, pattern by pattern', () => {
    const repo = tempRepo();
    const rootRules = ['*.log', '!important.log', 'build/', '/top-only', 'docs/**/*.pdf', 'a?c', '[Tt]emp*', 'nested/deeper/', '\\#hash', 'trailing\\ ', 'Case.txt', '**/cache', 'x/*/z'].join('\n');
    const subRules = '!*.log\nlocal\n/anchored\n';
    const files = [
      'data/app.log', 'data/important.log', 'data/build/out.o', 'data/src/build/o.o', 'top-only', 'data/top-only', 'docs/a/b/c.pdf', 'docs/c.pdf',
      'data/abc', 'data/abbc', 'data/Temp1', 'data/temp2', 'data/nested/deeper/f', 'data/deeper/f', 'data/#hash', 'data/trailing ', 'data/case.txt',
      'data/Case.txt', 'data/p/cache/q', 'x/y/z', 'x/y/w/z', 'data/sub/a.log', 'data/sub/local', 'data/sub/anchored', 'data/sub/in/anchored', 'data/plain.csv',
    ];
    for (const f of files) writeFiles(repo, { [f]: 'x' });
    writeFiles(repo, { '.dvdignore': rootRules, '.gitignore': rootRules, 'data/sub/.dvdignore': subRules, 'data/sub/.gitignore': subRules });
    const fromGit = spawnSync('git', ['check-ignore', '-v', '--no-index', ...files], { cwd: repo, encoding: 'utf8' }).stdout;
    const fromDvd = dvd(repo, ['check-ignore', ...files]).stdout;
    expect(fromDvd).toBe(fromGit.replaceAll('.gitignore:', '.dvdignore:'));
    expect(fromDvd.split('\n').length).toBeGreaterThan(12);
  });
});
