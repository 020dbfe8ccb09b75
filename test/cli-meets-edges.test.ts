import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePointer, serializePointer, type Pointer } from '../src/core/pointer.js';
import { commitAll, dvd, dvdOk, git, removedAfterEach, tempDir, tempRepo, writeFiles } from './helpers.js';

// Where the commands of issue 11 (add -R, --glob, import, import-url, update, move,
// unprotect, remote rename, cache dir, doctor) meet the rules of issue 9 (.dvdignore and
// metadata folders, the executable bit, CRLF pointers, untrackable names, dvd's own links,
// linked worktrees). Each test failed before the merge made them agree.

const track = removedAfterEach();
const repo = () => track(tempRepo());
const read = (r: string, p: string) => fs.readFileSync(path.join(r, p), 'utf8');
const mode = (r: string, p: string) => fs.statSync(path.join(r, p)).mode & 0o777;
const umask = process.umask();

/** A new Git + dvd repository in `dir` (which must not exist yet). */
function repoAt(dir: string): string {
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  dvdOk(dir, ['init']);
  return dir;
}

describe('pointers: CRLF line ends and the source block', () => {
  const p: Pointer = { path: 'images', type: 'dir', oid: 'b'.repeat(64), size: 10, files: 2, source: { kind: 'git', repo: '../registry', path: 'data/images', rev: 'v1', commit: 'c'.repeat(40) } };
  const lf = serializePointer(p);

  it('a CRLF pointer with a source block, or one missing its final newline, parses as the LF text', () => {
    expect(parsePointer(lf.replace(/\n/g, '\r\n'), 'x.dvd')).toEqual(p);
    expect(parsePointer(lf.slice(0, -1), 'x.dvd')).toEqual(p);
    expect(parsePointer(lf.replace(/\n/g, '\r\n').slice(0, -2), 'x.dvd')).toEqual(p);
    // A CR that is not a line end is still not dvd's spelling.
    expect(() => parsePointer(lf.replace('repo: ../registry', 'repo: ../reg\ristry'), 'x.dvd')).toThrow(/x\.dvd/);
  });

  it('conflict markers inside the source block are a conflict, with its hint', () => {
    const text = lf.replace(`commit: ${'c'.repeat(40)}\n`, `<<<<<<< ours\ncommit: ${'c'.repeat(40)}\n=======\ncommit: ${'d'.repeat(40)}\n>>>>>>> theirs\n`);
    let err: { message: string; hint?: string; data?: { conflict?: boolean } } | undefined;
    try {
      parsePointer(text, 'x.dvd');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.message).toBe('x.dvd:10: has unresolved Git conflict markers');
    expect(err?.data?.conflict).toBe(true);
  });
});

describe('.dvdignore and other tools\' metadata in add -R, add --glob and import-url', () => {
  it('add -R leaves out what .dvdignore ignores, metadata folders, pointer and rule files', () => {
    const r = repo();
    writeFiles(r, {
      '.dvdignore': '.DS_Store\n__pycache__/\n',
      'data/a.csv': 'a',
      'data/.DS_Store': 'junk',
      'data/__pycache__/m.pyc': 'junk',
      'data/sub/b.csv': 'b',
      'data/sub/.dvdignore': '*.tmp\n',
      'data/sub/c.tmp': 'junk',
      'data/clone/.git/HEAD': 'ref: refs/heads/main\n',
      'data/clone/rows.csv': 'r',
    });
    const added = JSON.parse(dvdOk(r, ['add', '-R', 'data', '--json']).stdout).added.map((a: { target: string }) => a.target).sort();
    expect(added).toEqual(['data/a.csv', 'data/clone/rows.csv', 'data/sub/b.csv']);
    expect(fs.existsSync(path.join(r, 'data/sub/.dvdignore.dvd'))).toBe(false);
    expect(dvdOk(r, ['status']).stdout).toBe('Data and pointers are up to date.\n');
  });

  it('add --glob leaves out ignored paths it matches, and says so when that was all of them', () => {
    const r = repo();
    writeFiles(r, { '.dvdignore': '*.log\n', 'runs/a.csv': 'a', 'runs/a.log': 'log', 'runs/b.log': 'log' });
    const added = JSON.parse(dvdOk(r, ['add', '--glob', 'runs/*', '--json']).stdout).added.map((a: { target: string }) => a.target);
    expect(added).toEqual(['runs/a.csv']);
    const none = dvd(r, ['add', '--glob', 'runs/*.log']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('glob "runs/*.log" matched only paths .dvdignore ignores');
    expect(none.stderr).toContain('dvd check-ignore runs/a.log');
    expect(fs.existsSync(path.join(r, 'runs/a.log.dvd'))).toBe(false);
  });

  it('import-url of a folder walks it as add does: its .dvdignore applies, .git is skipped, a link is refused', () => {
    const r = repo();
    const src = track(tempDir('dvd-url-src-'));
    writeFiles(src, { 'in/.dvdignore': '*.tmp\n', 'in/a.csv': 'a', 'in/x.tmp': 'junk', 'in/.git/HEAD': 'ref\n' });
    dvdOk(r, ['import-url', path.join(src, 'in'), 'raw']);
    expect(fs.readdirSync(path.join(r, 'raw')).sort()).toEqual(['.dvdignore', 'a.csv']);
    fs.symlinkSync('/etc/hostname', path.join(src, 'in/link'));
    const refused = dvd(r, ['import-url', path.join(src, 'in'), 'raw2']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('link: is a symbolic link');
    expect(fs.existsSync(path.join(r, 'raw2.dvd'))).toBe(false);
  });
});

describe('the executable bit of imported files', () => {
  it('import and import-url of a single executable file record `exec: true` and check it out executable', () => {
    const top = track(tempDir('dvd-exec-import-'));
    const registry = repoAt(path.join(top, 'registry'));
    writeFiles(registry, { 'run.sh': '#!/bin/sh\necho hi\n' });
    fs.chmodSync(path.join(registry, 'run.sh'), 0o755);
    dvdOk(registry, ['add', 'run.sh']);
    commitAll(registry, 'v1');
    const project = repoAt(path.join(top, 'project'));
    dvdOk(project, ['import', '../registry', 'run.sh']);
    expect(read(project, 'run.sh.dvd')).toMatch(/\nsize: 18\nexec: true\nsource: git\n/);
    expect(mode(project, 'run.sh')).toBe(0o777 & ~umask);

    writeFiles(top, { 'tool.sh': 'echo tool\n' });
    fs.chmodSync(path.join(top, 'tool.sh'), 0o755);
    dvdOk(project, ['import-url', '../tool.sh', 'tool.sh']);
    expect(read(project, 'tool.sh.dvd')).toMatch(/\nexec: true\nsource: url\n/);
    expect(mode(project, 'tool.sh')).toBe(0o777 & ~umask);
    expect(dvdOk(project, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    // The bit alone changing at the source is new data for update.
    fs.chmodSync(path.join(top, 'tool.sh'), 0o644);
    expect(dvdOk(project, ['update', 'tool.sh']).stdout).toContain('updated tool.sh -> tool.sh.dvd');
    expect(read(project, 'tool.sh.dvd')).not.toContain('exec');
    expect(mode(project, 'tool.sh')).toBe(0o666 & ~umask);
  });
});

describe('unprotect makes the same private copies as untrack', () => {
  it('keeps executable bits and the umask, and reads a moved repository\'s links from its own cache', () => {
    const top = track(tempDir('dvd-unprotect-'));
    const r = repoAt(path.join(top, 'before'));
    dvdOk(r, ['config', 'cache.type', 'symlink']);
    writeFiles(r, { 'tools/run.sh': '#!/bin/sh\n', 'tools/notes.txt': 'n' });
    fs.chmodSync(path.join(r, 'tools/run.sh'), 0o755);
    dvdOk(r, ['add', 'tools']);
    dvdOk(r, ['checkout', '--relink']);
    expect(fs.lstatSync(path.join(r, 'tools/run.sh')).isSymbolicLink()).toBe(true);
    // A repository moved with absolute links (a cache.dir outside it, or links an older
    // dvd made): they lead into the old place, which is gone.
    const moved = path.join(top, 'after');
    fs.cpSync(r, moved, { recursive: true, verbatimSymlinks: true });
    for (const f of ['tools/run.sh', 'tools/notes.txt']) {
      const link = path.join(moved, f);
      const old = path.resolve(path.dirname(path.join(r, f)), fs.readlinkSync(link));
      fs.rmSync(link);
      fs.symlinkSync(old, link);
    }
    fs.rmSync(r, { recursive: true });
    expect(fs.existsSync(path.join(moved, 'tools/run.sh'))).toBe(false); // dangling
    expect(dvdOk(moved, ['unprotect', 'tools']).stdout).toBe('unprotected tools (2 files copied out of the cache)\n');
    for (const f of ['tools/run.sh', 'tools/notes.txt']) expect(fs.lstatSync(path.join(moved, f)).isFile()).toBe(true);
    expect(read(moved, 'tools/run.sh')).toBe('#!/bin/sh\n');
    expect(mode(moved, 'tools/run.sh')).toBe(0o777 & ~umask);
    expect(mode(moved, 'tools/notes.txt')).toBe(0o666 & ~umask);
    expect(dvdOk(moved, ['status']).stdout).toBe('Data and pointers are up to date.\n');
  });
});

describe('move and import refuse what a pointer cannot hold', () => {
  it('names with a newline or a backslash, a second pointer for one target, a damaged pointer', () => {
    const r = repo();
    writeFiles(r, { 'model.bin': 'w', 'old.bin': 'o' });
    dvdOk(r, ['add', 'model.bin', 'old.bin']);
    const before = fs.readdirSync(r).sort();
    expect(dvd(r, ['move', 'model.bin', 'two\nlines']).stderr).toContain('cannot be tracked: its name contains a newline');
    expect(dvd(r, ['move', 'model.bin', 'back\\slash']).stderr).toContain('cannot be tracked: its name contains a backslash');
    // copy.dvd names "copy.bin" as its target: moving model.bin there would make two pointers.
    fs.writeFileSync(path.join(r, 'copy.dvd'), read(r, 'model.bin.dvd').replace('path: model.bin', 'path: copy.bin'));
    const dup = dvd(r, ['move', 'model.bin', 'copy.bin']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('copy.bin: already named by copy.dvd');
    fs.rmSync(path.join(r, 'copy.dvd'));
    expect(fs.readdirSync(r).sort()).toEqual(before);
    // The pointer to move cannot be read: its problem is the error, nothing moves.
    fs.appendFileSync(path.join(r, 'old.bin.dvd'), 'bogus: 1\n');
    const bad = dvd(r, ['move', 'old.bin', 'new.bin']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('old.bin.dvd:5: bogus: unknown field');
    expect(fs.existsSync(path.join(r, 'old.bin'))).toBe(true);
    expect(dvd(r, ['import-url', path.join(r, 'model.bin'), 'x\ny']).stderr).toContain('cannot be tracked: its name contains a newline');
  });
});

describe('issue 11 commands in a linked worktree use the shared config.local and cache', () => {
  it('remote rename and modify --local, cache dir, doctor', () => {
    const main = repo();
    const store = track(tempDir('dvd-store-'));
    dvdOk(main, ['remote', 'add', '--local', '-d', 'store', store]);
    writeFiles(main, { 'model.bin': 'm' });
    dvdOk(main, ['add', 'model.bin']);
    commitAll(main, 'v1');
    const wt = path.join(track(tempDir('dvd-wt-')), 'wt2');
    git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');

    expect(dvdOk(wt, ['remote', 'rename', 'store', 'archive']).stdout).toContain('archive');
    dvdOk(wt, ['remote', 'modify', '--local', 'archive', 'jobs', '3']);
    expect(read(main, '.dvd/config.local')).toMatch(/\[remote "archive"\]\n\turl = .*\n\tjobs = 3\n/);
    expect(fs.existsSync(path.join(wt, '.dvd/config.local'))).toBe(false);
    expect(dvdOk(main, ['remote', 'list', '-v']).stdout).toContain('\tjobs = 3\n');
    const cacheDir = fs.realpathSync(path.join(main, '.dvd/cache'));
    expect(fs.realpathSync(dvdOk(wt, ['cache', 'dir']).stdout.trim())).toBe(cacheDir);
    const doctor = JSON.parse(dvdOk(wt, ['doctor', '--json']).stdout);
    expect(fs.realpathSync(doctor.repo.cache.dir)).toBe(cacheDir);
    expect(doctor.repo.remotes.map((x: { name: string }) => x.name)).toEqual(['archive']);
    expect(doctor.problems).toEqual([]);
  });
});
