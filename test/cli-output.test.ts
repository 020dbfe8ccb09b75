import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempDir, tempRepo, writeFiles, removedAfterEach } from './helpers.js';

// Issue 11, items 3 and 8: status for scripts, the short options DVC users type, --glob
// targets, human sizes, results on stdout, "nothing to do", --json everywhere it matters.

const cleanup = removedAfterEach();

function repo(): string {
  const r = tempRepo();
  cleanup(r);
  return r;
}

function folderRemote(r: string, name = 'store'): string {
  const dir = tempDir('dvd-remote-');
  cleanup(dir);
  dvdOk(r, ['remote', 'add', '-d', name, dir]);
  return dir;
}

const remoteObjects = (dir: string) =>
  fs.existsSync(path.join(dir, 'sha256')) ? fs.readdirSync(path.join(dir, 'sha256')).flatMap((fan) => fs.readdirSync(path.join(dir, 'sha256', fan)).map((rest) => fan + rest)).sort() : [];
const oidOf = (r: string, pointer: string) => /oid: sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(r, pointer), 'utf8'))![1];

describe('status for scripts', { timeout: 120_000 }, () => {
  it('-q prints nothing and exits 1 when anything differs; without -q exit 0 unless --exit-code', () => {
    const r = repo();
    writeFiles(r, { 'data/a.csv': 'a\n' });
    dvdOk(r, ['add', 'data']);
    expect(dvd(r, ['status', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(dvd(r, ['status', '--exit-code']).code).toBe(0);
    fs.writeFileSync(path.join(r, 'data/a.csv'), 'changed\n');
    expect(dvd(r, ['status', '-q'])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(dvd(r, ['-q', 'status'])).toEqual({ code: 1, stdout: '', stderr: '' });
    const plain = dvd(r, ['status']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('modified: data/a.csv');
    const strict = dvd(r, ['status', '--exit-code']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('modified: data/a.csv');
    const json = dvd(r, ['status', '--exit-code', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).targets[0].modified).toEqual(['data/a.csv']);
    expect(dvd(r, ['status', '-j', '1', '-R', 'data']).stdout).toContain('modified: data/a.csv');
  });

  it('status --remote -q exits 1 while something is not pushed, 0 after push', () => {
    const r = repo();
    folderRemote(r);
    writeFiles(r, { 'm.bin': 'model' });
    dvdOk(r, ['add', 'm.bin']);
    expect(dvd(r, ['status', '--remote', '-q'])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(dvd(r, ['status', '--remote']).code).toBe(0);
    dvdOk(r, ['push']);
    expect(dvd(r, ['status', '--remote', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('short options and --glob', { timeout: 180_000 }, () => {
  it('-A/-a/-T mean --all-commits/--all-branches/--all-tags on push, fetch and gc', () => {
    const r = repo();
    const remote = folderRemote(r);
    writeFiles(r, { 'm.bin': 'v1' });
    dvdOk(r, ['add', 'm.bin']);
    git(r, 'add', '-A');
    git(r, 'commit', '-qm', 'v1');
    git(r, 'tag', 'v1');
    const v1 = oidOf(r, 'm.bin.dvd');
    writeFiles(r, { 'm.bin': 'v2' });
    dvdOk(r, ['commit']);
    git(r, 'commit', '-qam', 'v2');
    const v2 = oidOf(r, 'm.bin.dvd');
    dvdOk(r, ['push']);
    expect(remoteObjects(remote)).toEqual([v2]);
    dvdOk(r, ['push', '-T']);
    expect(remoteObjects(remote)).toEqual([v1, v2].sort());
    // gc with -a keeps only the branch tip's object (dry run lists, deletes nothing).
    const dry = dvdOk(r, ['gc', '-a', '--dry-run', '-j', '2']).stdout;
    expect(dry).toContain(`sha256:${v1.slice(0, 12)} 2 B`);
    expect(dry).not.toContain(v2.slice(0, 12));
    expect(dvdOk(r, ['gc', '-A', '--dry-run']).stdout).toContain('would remove 0 objects');
    fs.rmSync(path.join(r, '.dvd/cache'), { recursive: true });
    dvdOk(r, ['fetch', '-A']);
    expect(fs.readdirSync(path.join(r, '.dvd/cache/sha256')).length).toBe(2);
  });

  it('add -R tracks each file on its own; --glob picks targets on push, fetch, pull and checkout', () => {
    const r = repo();
    const remote = folderRemote(r);
    writeFiles(r, { 'data/a.csv': 'a\n', 'data/b.csv': 'bb\n', 'data/notes.txt': 'n\n', 'data/sub/c.csv': 'ccc\n' });
    const added = dvdOk(r, ['add', '-R', 'data']).stdout;
    expect(added).toContain('added data/a.csv (2 B) -> data/a.csv.dvd\nadded data/b.csv (3 B) -> data/b.csv.dvd\n');
    for (const p of ['data/a.csv.dvd', 'data/b.csv.dvd', 'data/notes.txt.dvd', 'data/sub/c.csv.dvd']) expect(fs.existsSync(path.join(r, p)), p).toBe(true);
    expect(fs.readFileSync(path.join(r, 'data/.gitignore'), 'utf8')).toBe('/a.csv\n/b.csv\n/notes.txt\n');

    dvdOk(r, ['push', '--glob', 'data/*.csv']);
    expect(remoteObjects(remote)).toEqual([oidOf(r, 'data/a.csv.dvd'), oidOf(r, 'data/b.csv.dvd')].sort());
    expect(dvd(r, ['push', '--glob', 'nothing/*']).stderr).toContain('glob "nothing/*" matched nothing');

    // Deleted files still match: the pattern is tried against tracked targets too.
    fs.rmSync(path.join(r, 'data/a.csv'));
    fs.rmSync(path.join(r, 'data/notes.txt'));
    dvdOk(r, ['checkout', '--glob', 'data/*.csv']);
    expect(fs.readFileSync(path.join(r, 'data/a.csv'), 'utf8')).toBe('a\n');
    expect(fs.existsSync(path.join(r, 'data/notes.txt'))).toBe(false);

    fs.rmSync(path.join(r, '.dvd/cache'), { recursive: true });
    fs.rmSync(path.join(r, 'data/b.csv'));
    dvdOk(r, ['fetch', '--glob', 'data/a*']);
    expect(fs.readdirSync(path.join(r, '.dvd/cache/sha256')).length).toBe(1);
    dvdOk(r, ['pull', '--glob', 'data/b*']);
    expect(fs.readFileSync(path.join(r, 'data/b.csv'), 'utf8')).toBe('bb\n');
  });
});

describe('output', { timeout: 180_000 }, () => {
  it('sizes are human-readable; results go to stdout; -q silences them', () => {
    const r = repo();
    folderRemote(r);
    writeFiles(r, { 'data/a.bin': Buffer.alloc(1536, 1), 'data/b.bin': Buffer.alloc(1024 * 1024 * 3, 2) });
    expect(dvdOk(r, ['add', 'data']).stdout).toContain('added data (2 files, 3 MiB) -> data.dvd');
    const push = dvdOk(r, ['push']);
    expect(push.stdout).toBe('pushed 3 objects (3 MiB) to store; 0 already there\n');
    expect(push.stderr).toBe('');
    expect(dvdOk(r, ['push']).stdout).toBe('Everything is already on store (3 objects).\n');
    expect(dvdOk(r, ['-q', 'push'])).toMatchObject({ stdout: '', stderr: '' });
    expect(dvdOk(r, ['verify']).stdout).toBe('verified 3 objects (3 MiB): 0 damaged\n');
    expect(dvdOk(r, ['ls', 'data']).stdout).toContain('1.5 KiB  a.bin');
    expect(dvdOk(r, ['fetch']).stdout).toBe('Everything is already in the cache (3 objects).\n');
  });

  it('pull and checkout say when there is nothing to do', () => {
    const r = repo();
    folderRemote(r);
    writeFiles(r, { 'data/a.csv': 'a\n' });
    dvdOk(r, ['add', 'data']);
    dvdOk(r, ['push']);
    expect(dvdOk(r, ['checkout']).stdout).toBe('Nothing to check out: the workspace matches 1 pointer.\n');
    expect(dvdOk(r, ['pull']).stdout).toBe('Already up to date: the cache holds 2 objects and the workspace matches.\n');
    fs.rmSync(path.join(r, 'data/a.csv'));
    expect(dvdOk(r, ['pull']).stdout).toBe('data: 1 written, 0 removed, 0 unchanged\n');
  });

  it('--json on add, commit and checkout', () => {
    const r = repo();
    writeFiles(r, { 'data/a.csv': 'a\n' });
    const add = JSON.parse(dvdOk(r, ['add', 'data', '--json']).stdout);
    expect(add.added[0]).toMatchObject({ target: 'data', pointerFile: 'data.dvd', changed: true, pointer: { type: 'dir', files: 1, size: 2 } });
    fs.writeFileSync(path.join(r, 'data/b.csv'), 'b\n');
    const commit = JSON.parse(dvdOk(r, ['commit', '--json']).stdout);
    expect(commit.committed[0]).toMatchObject({ target: 'data', changed: true, pointer: { files: 2 } });
    fs.rmSync(path.join(r, 'data/a.csv'));
    const co = JSON.parse(dvdOk(r, ['checkout', '--json']).stdout);
    expect(co).toEqual({ targets: [{ target: 'data', pointerFile: 'data.dvd', written: 1, removed: 0, modeChanged: 0, unchanged: 1, madeFolder: false }], missing: [], problems: [] });
  });

  it('a fatal error with --json prints one JSON error document on stdout and the text on stderr', () => {
    const r = repo();
    writeFiles(r, { 'm.bin': 'x' });
    dvdOk(r, ['add', 'm.bin']);
    const noRemote = dvd(r, ['push', '--json']);
    expect(noRemote.code).toBe(1);
    expect(noRemote.stderr).toContain('error: no remote given and no default remote set');
    expect(JSON.parse(noRemote.stdout)).toEqual({
      error: { code: 'ENOREMOTE', message: 'no remote given and no default remote set', hint: expect.stringContaining('dvd remote add'), exitCode: 1 },
    });
    const usage = dvd(r, ['status', '--json', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--bogus'");
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: 'EUSAGE', exitCode: 2 });
    // Without --json, stdout stays empty.
    expect(dvd(r, ['push']).stdout).toBe('');
  });
});
