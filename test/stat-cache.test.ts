import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, dvd, dvdOk, tempDir, tempRepo, writeFiles } from './helpers.js';

// The stat cache (src/core/statCache.ts) vouches for files by (inode, size, mtime) and
// for a whole folder by the manifest oid recorded with them, so an unchanged folder is
// neither hashed nor serialized. These tests change files in the ways a stat can miss.

const UP_TO_DATE = 'Data and pointers are up to date.\n';
const old = new Date(Date.now() - 60_000);

/** A repository with data/ added and its files back-dated (not racy), and the folder's tree oid learned by a status. */
function settledRepo(files: Record<string, string>): string {
  const repo = tempRepo();
  writeFiles(repo, files);
  for (const rel of Object.keys(files)) fs.utimesSync(path.join(repo, rel), old, old);
  dvdOk(repo, ['add', 'data']);
  expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  return repo;
}

/** Overwrite a file's bytes in place (same inode, same size) and put its times back. */
function rewriteInPlace(file: string, bytes: string, mtime: Date): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0);
  fs.closeSync(fd);
  fs.utimesSync(file, mtime, mtime);
}

/**
 * Make `rel`'s entry racy in its target's saved state: its mtime is set a little ahead of
 * the clock and a status records it, saving before that moment (checked after the status
 * returns; a slower run tries again with more room). Returns the mtime, once the clock
 * is past it by more than the racy margin, so that a state saved from now on would
 * trust the entry if it carried it over.
 */
async function racyEntry(repo: string, rel: string): Promise<Date> {
  for (let room = 1_500; ; room *= 4) {
    const tick = new Date(Date.now() + room);
    fs.utimesSync(path.join(repo, rel), tick, tick);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    if (Date.now() < tick.getTime()) {
      await new Promise((resolve) => setTimeout(resolve, tick.getTime() + 500 - Date.now()));
      return tick;
    }
  }
}

describe('stat cache: the folder fast path still sees every change', () => {
  it('trusts a settled folder: a same-stat edit behind its back is not seen (proves the fast path is taken)', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    rewriteInPlace(path.join(repo, 'data/a'), 'A2', old);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('a same-size edit in the same mtime tick as the save is found (racy clean)', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const a = path.join(repo, 'data/a');
    // A file whose mtime is not older than the moment the state is saved, as one written
    // in the same clock tick is. (A future mtime makes that hold whatever the timing.)
    const tick = new Date(Date.now() + 3_600_000);
    fs.utimesSync(a, tick, tick);
    // Same content: status hashes it, records it, and learns the folder's manifest again.
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    // Edited within that tick: same inode, same size, same mtime.
    rewriteInPlace(a, 'A2', tick);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
  });

  it('checkout: a same-size edit in the same mtime tick as the save blocks it (its bytes are in no cache)', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const a = path.join(repo, 'data/a');
    const tick = new Date(Date.now() + 3_600_000);
    fs.utimesSync(a, tick, tick);
    // Nothing to do: checkout hashes a, records it and saves the state.
    expect(dvdOk(repo, ['checkout']).stdout).toContain('Nothing to check out');
    rewriteInPlace(a, 'A2', tick);
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('data/a');
    expect(fs.readFileSync(a, 'utf8')).toBe('A2');
  });

  it('an entry racy when saved stays distrusted after a later save that did not look at it (scoped checkout)', async () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/sub/b': 'B1' });
    const tick = await racyEntry(repo, 'data/a');
    // A checkout scoped to data/sub restores b and saves data's state; data/a is outside the scope.
    writeFiles(repo, { 'data/sub/b': 'B2' });
    dvdOk(repo, ['checkout', '--force', 'data/sub']);
    expect(fs.readFileSync(path.join(repo, 'data/sub/b'), 'utf8')).toBe('B1');
    // Edited within a's tick: same inode, size and mtime as its racy entry.
    rewriteInPlace(path.join(repo, 'data/a'), 'A2', tick);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
  });

  it('dvd move carries the state: the moved folder is still vouched for, and a racy entry stays racy', async () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const tick = await racyEntry(repo, 'data/b');
    dvdOk(repo, ['move', 'data', 'moved']);
    rewriteInPlace(path.join(repo, 'moved/b'), 'B2', tick);
    // Entries moved with their stats: a same-stat edit of a settled file goes unseen
    // (nothing was hashed again), the racy one is found.
    rewriteInPlace(path.join(repo, 'moved/a'), 'A2', old);
    const out = dvdOk(repo, ['status']).stdout;
    expect(out).toContain('modified: moved/b');
    expect(out).not.toContain('moved/a');
  });

  it('a same-size edit in the same mtime tick as a commit is found (the commit records the folder too)', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const a = path.join(repo, 'data/a');
    const tick = new Date(Date.now() + 3_600_000);
    writeFiles(repo, { 'data/a': 'A2' });
    fs.utimesSync(a, tick, tick);
    dvdOk(repo, ['commit']);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    rewriteInPlace(a, 'A3', tick);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
  });

  it('a changed executable bit is found though chmod leaves the mtime alone', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const before = fs.statSync(path.join(repo, 'data/b')).mtimeMs;
    fs.chmodSync(path.join(repo, 'data/b'), 0o755);
    expect(fs.statSync(path.join(repo, 'data/b')).mtimeMs).toBe(before);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/b');
  });

  it('a file replaced by another of the same size and mtime (new inode) is found', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1' });
    const b = path.join(repo, 'data/b');
    const tmp = path.join(repo, 'b.tmp');
    fs.writeFileSync(tmp, 'B2');
    fs.utimesSync(tmp, old, old);
    fs.renameSync(tmp, b);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/b');
  });

  it('added and deleted files are found when every other file is as recorded', () => {
    const repo = settledRepo({ 'data/a': 'A1', 'data/b': 'B1', 'data/sub/c': 'C1' });
    fs.rmSync(path.join(repo, 'data/sub/c'));
    writeFiles(repo, { 'data/sub/d': 'D1' });
    const out = dvdOk(repo, ['status']).stdout;
    expect(out).toContain('added:    data/sub/d');
    expect(out).toContain('deleted:  data/sub/c');
  });

  it('after a commit that adds, changes and deletes files between others, the saved state vouches for every file again', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`data/d${i % 3}/f${String(i).padStart(2, '0')}`] = `v1 ${i}`;
    const repo = settledRepo(files);
    fs.rmSync(path.join(repo, 'data/d1/f04'));
    writeFiles(repo, { 'data/d1/f04a': 'new', 'data/d0/f00': 'v2 0', 'data/d2/f29': 'v2 29', 'data/d0/a': 'first' });
    for (const f of ['data/d1/f04a', 'data/d0/f00', 'data/d2/f29', 'data/d0/a']) fs.utimesSync(path.join(repo, f), old, old);
    dvdOk(repo, ['commit']);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    // Every entry was saved right: the next status takes the fast path (a same-stat edit
    // behind its back goes unseen) and a real edit is still found.
    rewriteInPlace(path.join(repo, 'data/d1/f07'), 'v9 7', old);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    writeFiles(repo, { 'data/d1/f04a': 'newer' });
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/d1/f04a');
  });

  it('checkout with nothing to do learns the tree, and the next checkout still sees edits and mode changes', () => {
    // No status here: checkout itself learns the tree (adoptTree) on its first run.
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A1', 'data/b': 'B1' });
    for (const f of ['data/a', 'data/b']) fs.utimesSync(path.join(repo, f), old, old);
    dvdOk(repo, ['add', 'data']);
    const nothing = 'Nothing to check out: the workspace matches 1 pointer.\n';
    expect(dvdOk(repo, ['checkout']).stdout).toBe(nothing);
    // Trusted like any stat-cache entry: a same-stat edit behind its back is left alone.
    rewriteInPlace(path.join(repo, 'data/a'), 'A2', old);
    expect(dvdOk(repo, ['checkout']).stdout).toBe(nothing);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('A2');
    // A mode change (chmod leaves the mtime) is put back.
    fs.chmodSync(path.join(repo, 'data/b'), 0o755);
    dvdOk(repo, ['checkout']);
    expect(fs.statSync(path.join(repo, 'data/b')).mode & 0o111).toBe(0);
    // A real edit blocks it: its content is in no cache.
    writeFiles(repo, { 'data/b': 'B2 edited' });
    const co = dvd(repo, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('data/b');
  });

  it('names whose walk order and manifest (UTF-8 byte) order differ keep the fast path correct', () => {
    // '-' and '.' sort before '/', so "a-b" and "a.txt" come before the folder "a"'s files;
    // U+FF5A sorts after an emoji in UTF-16 but before it in UTF-8 bytes.
    const files = { 'data/a-b': '1', 'data/a.txt': '2', 'data/a/x': '3', 'data/\u00e9': '4', 'data/\u{1F600}': '5', 'data/\uff5a': '6', 'data/a/y/z': '7' };
    const repo = settledRepo(files);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    writeFiles(repo, { 'data/\u{1F600}': '8' });
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/\u{1F600}');
    fs.rmSync(path.join(repo, 'data/a/x'));
    const out = dvdOk(repo, ['status']).stdout;
    expect(out).toContain('deleted:  data/a/x');
    expect(out).toContain('modified: data/\u{1F600}');
  });

  it("reads the earlier text format, so an upgrade does not hash every file again", () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A1', 'data/b': 'B1' });
    for (const f of ['data/a', 'data/b']) fs.utimesSync(path.join(repo, f), old, old);
    dvdOk(repo, ['add', 'data']);
    // The text state an older dvd wrote for data/, saying data/a holds other bytes: a
    // status that reads it trusts it (stat unchanged) and reports data/a as modified.
    const st = fs.statSync(path.join(repo, 'data/a'));
    const stb = fs.statSync(path.join(repo, 'data/b'));
    const other = createHash('sha256').update('other').digest('hex');
    const b1 = createHash('sha256').update('B1').digest('hex');
    const stateFile = path.join(repo, '.dvd/state', createHash('sha256').update('data').digest('hex').slice(0, 32));
    fs.writeFileSync(stateFile, `dvd-state 2 ${Date.now()} "data"\n${st.ino} ${st.size} ${st.mtimeMs} ${other} a\n${stb.ino} ${stb.size} ${stb.mtimeMs} ${b1} b\n`);
    expect(dvdOk(repo, ['status']).stdout).toContain('modified: data/a');
    // A state of any other shape is ignored (the files are hashed again).
    fs.writeFileSync(stateFile, 'dvdstat3 damaged');
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });
});

// A big folder is walked on worker threads too (src/core/parallelWalk.ts): the main
// thread plans units (folders), and workers lstat them and send their stats back as
// columns. DVD_WALK_THREADS=1 forces that for these small trees and leaves every unit to
// the worker; DVD_WALK_TRACE=1 has the walk say how its units went, so each test can
// check the workers really walked.
describe('stat cache through the parallel walk', () => {
  const THREADS = { env: { DVD_WALK_THREADS: '1', DVD_WALK_TRACE: '1' } };
  const ONE_THREAD = { env: { DVD_WALK_THREADS: '0', DVD_WALK_TRACE: '1' } };
  const BY_WORKERS = /^walk data: (\d+) units, \1 walked by worker threads, 0 handed back$/m;
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`data/d${i % 8}/s${i % 2}/f${String(i).padStart(2, '0')}`] = `v1 ${i}`;
  files['data/top'] = 'top';

  it('a settled folder is trusted and a same-size edit in the same mtime tick is found', () => {
    // The state was saved by a walk on one thread (settledRepo). The workers' stats match
    // it exactly (inode, size, mtime to the fraction): the fast path is taken, so a
    // same-stat edit behind its back is not seen.
    const repo = settledRepo(files);
    rewriteInPlace(path.join(repo, 'data/d3/s1/f03'), 'v9 3', old);
    const st = dvdOk(repo, ['status'], THREADS);
    expect(st.stdout).toBe(UP_TO_DATE);
    expect(st.stderr).toMatch(BY_WORKERS);
    // Racy clean: a file whose mtime is not older than the save is hashed again, and an
    // edit within that tick (same inode, size, mtime) is found, by status and checkout.
    const a = path.join(repo, 'data/d5/s1/f05');
    const tick = new Date(Date.now() + 3_600_000);
    fs.utimesSync(a, tick, tick);
    expect(dvdOk(repo, ['status'], THREADS).stdout).toBe(UP_TO_DATE);
    rewriteInPlace(a, 'v9 5', tick);
    const after = dvdOk(repo, ['status'], THREADS);
    expect(after.stdout).toContain('modified: data/d5/s1/f05');
    expect(after.stderr).toMatch(BY_WORKERS);
    const co = dvd(repo, ['checkout'], THREADS);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('data/d5/s1/f05');
    expect(fs.readFileSync(a, 'utf8')).toBe('v9 5');
  });

  it('finds the same changes, refusals and skips as the walk on one thread', () => {
    const repo = settledRepo(files);
    fs.writeFileSync(path.join(repo, 'data/.dvdignore'), '*.tmp\n');
    writeFiles(repo, { 'data/d1/s0/new': 'new', 'data/d2/s1/x.tmp': 'ignored', 'data/d4/.git/HEAD': 'ref', 'data/d6/s0/f06': 'v2 6' });
    fs.rmSync(path.join(repo, 'data/d7/s1/f07'));
    fs.symlinkSync('/etc/hostname', path.join(repo, 'data/d0/s0/link'));
    const threads = dvd(repo, ['status'], THREADS);
    const one = dvd(repo, ['status'], ONE_THREAD);
    expect(threads.code).toBe(1);
    expect(threads.stdout).toBe(one.stdout);
    expect(threads.stdout).toContain('added:    data/d1/s0/new');
    expect(threads.stdout).toContain('modified: data/d6/s0/f06');
    expect(threads.stdout).toContain('deleted:  data/d7/s1/f07');
    expect(threads.stdout).not.toContain('x.tmp');
    // (The note about data/d4/.git is given once per repository.)
    const problems = (stderr: string) => stderr.replace(/^(walk|note:) .*\n/gm, '');
    expect(problems(threads.stderr)).toBe(problems(one.stderr));
    expect(threads.stderr).toContain('data/d0/s0/link: is a symbolic link');
    // The units under the .dvdignore hold an ignored path: the workers hand them back.
    expect(threads.stderr).toMatch(/^walk data: \d+ units, \d+ walked by worker threads, [1-9]\d* handed back$/m);
  });

  // Root reads any folder: the unreadable one needs another user (setpriv, util-linux).
  // ... and that user must reach dvd itself (a clone under a 0700 mktemp folder it cannot).
  const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', DVD_BIN]).status === 0;
  it.skipIf(!asNobody)('a folder it may not read fails with the same error as on one thread (EACCES)', () => {
    const repo = settledRepo(files);
    fs.chmodSync(repo, 0o755);
    fs.chmodSync(path.join(repo, 'data/d3/s1'), 0);
    spawnSync('chmod', ['-R', 'a+rwX', path.join(repo, '.dvd')]);
    const home = tempDir('dvd-nobody-');
    fs.chmodSync(home, 0o777);
    const run = (threads: string) => {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, DVD_BIN, 'status'], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_PARAMETERS: "'safe.directory=*'", DVD_WALK_THREADS: threads, DVD_WALK_TRACE: '1' },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const threads = run('1');
    const one = run('0');
    expect(threads.code).toBe(1);
    expect(threads.stderr).toContain('error: data/d3/s1: permission denied');
    // The worker met the error and handed its unit back; this thread met it again.
    expect(threads.stderr).toMatch(/^walk data: \d+ units, \d+ walked by worker threads, [1-9]\d* handed back$/m);
    expect(threads.stderr.replace(/^walk .*\n/gm, '')).toBe(one.stderr);
    expect(threads.stdout).toBe(one.stdout);
  });
});
