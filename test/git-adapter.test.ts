import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGitRoot } from '../src/git/findGitRoot.js';
import { isTrackedByGit, gitIndexChecker } from '../src/git/isTrackedByGit.js';
import { addToGitignore } from '../src/git/addToGitignore.js';
import { removeFromGitignore } from '../src/git/removeFromGitignore.js';
import { stageFiles } from '../src/git/stageFiles.js';
import { snapshotWorkTree } from '../src/git/snapshotWorkTree.js';
import { git, tempDir, tempRepo, writeFiles } from './helpers.js';

describe('findGitRoot', () => {
  it('finds the work tree root from a nested folder and null outside Git', () => {
    const repo = tempRepo({ dvdInit: false });
    fs.mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
    expect(findGitRoot(path.join(repo, 'a', 'b'))).toBe(repo);
    expect(findGitRoot(repo)).toBe(repo);
    expect(findGitRoot(tempDir())).toBeNull();
  });
});

for (const mode of ['git binary', 'isomorphic-git only']) {
describe(`isTrackedByGit (${mode})`, () => {
  beforeAll(() => {
    if (mode === 'isomorphic-git only') process.env.DVD_NO_GIT_BINARY = '1';
    else delete process.env.DVD_NO_GIT_BINARY;
  });
  afterAll(() => {
    delete process.env.DVD_NO_GIT_BINARY;
  });

  it('answers for files and folders that hold tracked files, as git sees them', async () => {
    const repo = tempRepo({ dvdInit: false });
    writeFiles(repo, { 'src/main.c': 'x', 'data/raw/a.csv': '1', 'data!x': 'y', 'untracked.txt': 'u', 'notes/n.txt': 'n' });
    git(repo, 'add', 'src', 'data', 'data!x');
    expect(await isTrackedByGit(repo, 'src/main.c')).toBe(true);
    expect(await isTrackedByGit(repo, 'src')).toBe(true);
    expect(await isTrackedByGit(repo, 'data')).toBe(true);
    expect(await isTrackedByGit(repo, 'data/raw/')).toBe(true);
    expect(await isTrackedByGit(repo, 'untracked.txt')).toBe(false);
    expect(await isTrackedByGit(repo, 'notes')).toBe(false);
    // A prefix that is not a folder boundary does not count.
    expect(await isTrackedByGit(repo, 'dat')).toBe(false);
    expect(await isTrackedByGit(repo, 'src/main')).toBe(false);
    // The checker sees a later `git add` (index re-read when it changes).
    git(repo, 'add', 'notes');
    expect(await isTrackedByGit(repo, 'notes')).toBe(true);
  });

  it('is false for everything in a fresh repository without an index', async () => {
    const repo = tempRepo({ dvdInit: false });
    expect(await isTrackedByGit(repo, 'anything')).toBe(false);
  });

  it('stays fast on a big index', async () => {
    const repo = tempRepo({ dvdInit: false });
    const files: Record<string, string> = {};
    for (let i = 0; i < 20000; i++) files[`big/d${i % 100}/f${i}.txt`] = '';
    writeFiles(repo, files);
    git(repo, 'add', 'big');
    const t0 = performance.now();
    const check = await gitIndexChecker(repo);
    for (let i = 0; i < 1000; i++) check(`big/d${i % 100}/f${i}.txt`);
    expect(check('big/d7')).toBe(true);
    expect(check('big/d100')).toBe(false);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
}

describe('addToGitignore / removeFromGitignore', () => {
  it('creates, appends once, keeps other lines, and git honours the entry', () => {
    const repo = tempRepo({ dvdInit: false });
    writeFiles(repo, { 'data/images/a.png': 'a', 'data/imagesX/b.png': 'b', 'data/.gitignore': '# mine\n*.tmp' });
    expect(addToGitignore(repo, 'data', 'images')).toBe(true);
    expect(addToGitignore(repo, 'data', 'images')).toBe(false);
    expect(addToGitignore(repo, 'data', '/images')).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'data/.gitignore'), 'utf8')).toBe('# mine\n*.tmp\n/images\n');
    // Real git agrees: the folder is ignored, its sibling with a longer name is not.
    const status = git(repo, 'status', '--porcelain', '--untracked-files=all');
    expect(status).not.toContain('data/images/a.png');
    expect(status).toContain('data/imagesX/b.png');

    expect(removeFromGitignore(repo, 'data', 'images')).toBe(true);
    expect(removeFromGitignore(repo, 'data', 'images')).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'data/.gitignore'), 'utf8')).toBe('# mine\n*.tmp\n');
  });

  it('writes the root .gitignore and escapes glob characters', () => {
    const repo = tempRepo({ dvdInit: false });
    writeFiles(repo, { 'a*b/x': '1', 'axxb/y': '2' });
    expect(addToGitignore(repo, '', 'a*b')).toBe(true);
    expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('/a\\*b\n');
    const status = git(repo, 'status', '--porcelain', '--untracked-files=all');
    expect(status).not.toContain('a*b/x');
    expect(status).toContain('axxb/y');
    // A .gitignore that only dvd wrote disappears when its last entry goes.
    expect(removeFromGitignore(repo, '.', 'a*b')).toBe(true);
    expect(fs.existsSync(path.join(repo, '.gitignore'))).toBe(false);
  });
});

describe('stageFiles', () => {
  it('stages new and changed files and removals, as `git` sees them', async () => {
    const repo = tempRepo({ dvdInit: false });
    writeFiles(repo, { 'data.dvd': 'v1\n', '.gitignore': '/data\n', 'old.dvd': 'o\n' });
    git(repo, 'add', 'old.dvd');
    git(repo, 'commit', '-q', '-m', 'c1');
    fs.rmSync(path.join(repo, 'old.dvd'));
    await stageFiles(repo, ['data.dvd', '.gitignore', 'old.dvd']);
    const staged = git(repo, 'diff', '--cached', '--name-status').trim().split('\n').sort();
    expect(staged).toEqual(['A\t.gitignore', 'A\tdata.dvd', 'D\told.dvd']);
    git(repo, 'commit', '-q', '-m', 'c2');
    expect(git(repo, 'show', 'HEAD:data.dvd')).toBe('v1\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});

describe('snapshotWorkTree', () => {
  it('takes a same-size rewrite the index\'s stat data cannot tell apart (Git\'s racy-clean rule, kept by its temporary index)', () => {
    // The race, made without a clock: a file rewritten in the second the index was
    // written looks unchanged by size and mtime; Git then hashes it because its mtime is
    // not older than the index file's. ctime is left out (core.trustctime), as utimes sets it.
    const repo = tempRepo({ dvdInit: false });
    git(repo, 'config', 'core.trustctime', 'false');
    const file = path.join(repo, 'metrics.json');
    const then = new Date('2024-01-02T03:04:05Z');
    fs.writeFileSync(file, '{"acc":0.9,"loss":1}\n');
    fs.utimesSync(file, then, then);
    git(repo, 'add', 'metrics.json');
    const base = (git(repo, 'commit', '-q', '-m', 'base'), git(repo, 'rev-parse', 'HEAD').trim());
    fs.writeFileSync(file, '{"acc":0.8,"loss":2}\n');
    fs.utimesSync(file, then, then);
    fs.utimesSync(path.join(repo, '.git', 'index'), then, then);
    expect(git(repo, 'diff', '--stat')).toContain('metrics.json');
    const commit = snapshotWorkTree(repo, { parent: base, message: 'exp' });
    expect(git(repo, 'show', `${commit}:metrics.json`)).toBe('{"acc":0.8,"loss":2}\n');
  });

  it('hashes `rehash` files again even when their stat data matches and the index is newer (no racy-clean rule to save them)', () => {
    // A same-size rewrite whose stat Git cannot tell apart from the entry's, with an index
    // written after it: Git keeps the old blob; the caller knows the file was rewritten.
    const repo = tempRepo({ dvdInit: false });
    git(repo, 'config', 'core.trustctime', 'false');
    const file = path.join(repo, 'metrics.json');
    const then = new Date('2024-01-02T03:04:05Z');
    const later = new Date('2024-01-02T03:05:00Z');
    fs.writeFileSync(file, '{"acc":0.9,"loss":1}\n');
    fs.utimesSync(file, then, then);
    fs.writeFileSync(path.join(repo, 'a*b.txt'), 'star');
    git(repo, 'add', 'metrics.json', 'a*b.txt');
    const base = (git(repo, 'commit', '-q', '-m', 'base'), git(repo, 'rev-parse', 'HEAD').trim());
    fs.writeFileSync(file, '{"acc":0.8,"loss":1}\n');
    fs.utimesSync(file, then, then);
    fs.utimesSync(path.join(repo, '.git', 'index'), later, later);
    const stale = snapshotWorkTree(repo, { parent: base, message: 'exp' });
    expect(git(repo, 'show', `${stale}:metrics.json`)).toBe('{"acc":0.9,"loss":1}\n'); // Git alone cannot see it
    fs.writeFileSync(path.join(repo, 'a*b.txt'), 'STAR');
    const commit = snapshotWorkTree(repo, { parent: base, message: 'exp', rehash: ['metrics.json', 'a*b.txt', 'gone.txt'] });
    expect(git(repo, 'show', `${commit}:metrics.json`)).toBe('{"acc":0.8,"loss":1}\n');
    expect(git(repo, 'show', `${commit}:a*b.txt`)).toBe('STAR');
    expect(git(repo, 'ls-tree', '--name-only', commit).trim().split('\n').sort()).toEqual(['a*b.txt', 'metrics.json']);
  });
});
