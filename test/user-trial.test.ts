import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, removedAfterEach, seededBytes, storedOids, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

// What a fresh user met in a first trial of dvd, each finding as a story: the fault's
// kind, checked everywhere it can happen.

const track = removedAfterEach();
const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel));
const exists = (repo: string, rel: string) => fs.existsSync(path.join(repo, rel));
/** Bytes a terminal would show as garbage: C0 controls but tab/newline, DEL, C1, U+FFFD. */
const BINARY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/;

describe('1. temp files of an interrupted checkout', { timeout: 120_000 }, () => {
  /** The kind of file a Ctrl-C leaves beside a destination (placeFile.ts), read-only like a copy of an object. */
  function leftover(repo: string, rel: string, pid = 4242): string {
    const name = path.posix.join(path.posix.dirname(rel), `.${path.posix.basename(rel)}.dvd-tmp-${pid}-0-0`);
    fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
    fs.writeFileSync(path.join(repo, name), 'half a model', { mode: 0o444 });
    return name;
  }

  it('every checkout deletes them beside a single-file target, also when nothing else changes or objects are missing', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'model.bin': seededBytes(1, 5000), 'sub/w.bin': 'w', 'data/a': 'a', 'gone/g': 'g' });
    dvdOk(repo, ['add', 'model.bin', 'sub/w.bin', 'data', 'gone']);
    commitAll(repo, 'v1');
    // Deleted target: checkout writes it and removes the leftover.
    fs.rmSync(path.join(repo, 'model.bin'));
    let t = leftover(repo, 'model.bin');
    dvdOk(repo, ['checkout']);
    expect(exists(repo, t)).toBe(false);
    expect(read(repo, 'model.bin')).toEqual(seededBytes(1, 5000));
    // Nothing to check out: the leftovers still go, in a subfolder too, with and without -f.
    t = leftover(repo, 'model.bin');
    const t2 = leftover(repo, 'sub/w.bin', 77);
    expect(git(repo, 'status', '--porcelain')).toContain('dvd-tmp');
    expect(dvdOk(repo, ['checkout']).stdout).toContain('Nothing to check out');
    expect(exists(repo, t)).toBe(false);
    expect(exists(repo, t2)).toBe(false);
    t = leftover(repo, 'model.bin');
    dvdOk(repo, ['checkout', '-f', 'model.bin']);
    expect(exists(repo, t)).toBe(false);
    expect(git(repo, 'status', '--porcelain')).not.toContain('dvd-tmp');
    // A folder target whose objects are not in the cache: checkout fails for it, but its leftovers go.
    const tg = leftover(repo, 'gone/g');
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    fs.rmSync(path.join(repo, 'gone'), { recursive: true, force: true });
    fs.mkdirSync(path.join(repo, 'gone'));
    fs.writeFileSync(path.join(repo, tg), 'x');
    expect(dvd(repo, ['checkout', 'gone']).code).toBe(1);
    expect(exists(repo, tg)).toBe(false);
    // A file nobody tracks that merely looks alike stays.
    fs.writeFileSync(path.join(repo, '.notes.dvd-tmp-1-0-0'), 'mine');
    dvdOk(repo, ['checkout', 'model.bin']);
    expect(exists(repo, '.notes.dvd-tmp-1-0-0')).toBe(true);
  });

  it('add and status never take them as data, named explicitly or inside a folder', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'model.bin': 'm', 'data/a': 'a' });
    dvdOk(repo, ['add', 'model.bin', 'data']);
    const t = leftover(repo, 'model2.bin', 55);
    const add = dvd(repo, ['add', t]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('left by an interrupted dvd checkout');
    expect(exists(repo, `${t}.dvd`)).toBe(false);
    const inner = leftover(repo, 'data/a');
    expect(dvd(repo, ['add', '-R', 'data']).stdout).not.toContain('dvd-tmp');
    expect(exists(repo, `${inner}.dvd`)).toBe(false);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    // dvd move and imports refuse such a name for a new target too.
    expect(dvd(repo, ['move', 'model.bin', '.x.dvd-tmp-1-2-3']).stderr).toContain('left by an interrupted dvd checkout');
  });
});

describe('2. dvd update -f discards local edits of imported data', { timeout: 120_000 }, () => {
  it('import-url (file and folder) and import: -f restores the imported version when the source has not moved', () => {
    const repo = track(tempRepo());
    const src = track(tempDir('dvd-src-'));
    writeFiles(src, { 'f.txt': 'imported', 'dir/a': 'a', 'dir/b': 'b' });
    dvdOk(repo, ['import-url', path.join(src, 'f.txt')]);
    dvdOk(repo, ['import-url', path.join(src, 'dir')]);
    // A dvd repository to import from.
    const other = track(tempRepo());
    writeFiles(other, { 'ds/x': 'x' });
    dvdOk(other, ['add', 'ds']);
    commitAll(other, 'ds');
    dvdOk(repo, ['import', other, 'ds']);

    fs.writeFileSync(path.join(repo, 'f.txt'), 'edited');
    fs.writeFileSync(path.join(repo, 'dir/new'), 'added by hand');
    fs.writeFileSync(path.join(repo, 'ds/x'), 'edited x');
    const blocked = dvd(repo, ['update']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('dvd update -f');
    const r = dvdOk(repo, ['update', '-f']);
    expect(fs.readFileSync(path.join(repo, 'f.txt'), 'utf8')).toBe('imported');
    expect(exists(repo, 'dir/new')).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'ds/x'), 'utf8')).toBe('x');
    expect(r.stdout).toContain('restored');
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    // Deleted from the workspace and from the cache: -f brings it back from the source.
    fs.rmSync(path.join(repo, 'f.txt'));
    fs.rmSync(path.join(repo, 'ds'), { recursive: true });
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    dvdOk(repo, ['update', '-f']);
    expect(fs.readFileSync(path.join(repo, 'f.txt'), 'utf8')).toBe('imported');
    expect(fs.readFileSync(path.join(repo, 'ds/x'), 'utf8')).toBe('x');
  });
});

describe('3. a data file named *.dvd is data, not a broken pointer', { timeout: 120_000 }, () => {
  const image = seededBytes(7, 3000); // a DVD image: binary

  it('status, add of its folder, checkout and history commands leave it as data', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'movies/disc.dvd': image, 'movies/a.txt': 'a', 'top.dvd': image });
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(0);
    expect(st.stdout + st.stderr).not.toMatch(BINARY);
    dvdOk(repo, ['add', 'movies']);
    expect(dvdOk(repo, ['ls', 'movies']).stdout).toContain('disc.dvd');
    fs.rmSync(path.join(repo, 'movies'), { recursive: true });
    dvdOk(repo, ['checkout']);
    expect(read(repo, 'movies/disc.dvd')).toEqual(image);
    // Committed to Git (as some keep small images), it is not a pointer of any revision either.
    commitAll(repo, 'data');
    const store = track(tempDir('dvd-store-'));
    dvdOk(repo, ['remote', 'add', '-d', 's', store]);
    const push = dvdOk(repo, ['push', '-A']);
    expect(push.stderr).toBe('');
    expect(dvdOk(repo, ['ls', '--rev', 'HEAD']).stdout).not.toContain('top');
    // On its own it cannot be a target: the refusal says why, not that it is a pointer.
    const add = dvd(repo, ['add', 'top.dvd']);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('pointer files end in .dvd');
    expect(add.stderr).not.toContain('is a dvd pointer file');
  });

  it('a pointer named like data beside a target is refused, not overwritten', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'disc': 'the data', 'disc.dvd': image });
    const add = dvd(repo, ['add', 'disc']);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('disc.dvd');
    expect(read(repo, 'disc.dvd')).toEqual(image);
  });

  it('a damaged pointer is still reported, with its content escaped and cut short', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'data/a': 'a' });
    dvdOk(repo, ['add', 'data']);
    const text = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    const [first, , ...rest] = text.split('\n');
    const garbage = Buffer.concat([Buffer.from('\u001b[31mred\u0007'), seededBytes(3, 2000).map((b) => (b === 10 || b === 13 ? 65 : b))]);
    fs.writeFileSync(path.join(repo, 'data.dvd'), Buffer.concat([Buffer.from(`${first}\n`), garbage, Buffer.from(`\n${rest.join('\n')}`)]));
    const st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    expect(st.stderr).toContain('data.dvd:2:');
    expect(st.stderr).not.toMatch(BINARY);
    expect(st.stderr.length).toBeLessThan(600);
    // The same for a config line dvd cannot parse, and a damaged manifest.
    fs.writeFileSync(path.join(repo, 'data.dvd'), text);
    fs.appendFileSync(path.join(repo, '.dvd/config'), Buffer.concat([Buffer.from('[core]\n\u001b[2J'), seededBytes(4, 500).map((b) => (b === 10 ? 65 : b)), Buffer.from('\n')]));
    const cfg = dvd(repo, ['status']);
    expect(cfg.code).toBe(1);
    expect(cfg.stderr).toContain('.dvd/config:');
    expect(cfg.stderr).not.toMatch(BINARY);
    expect(cfg.stderr.length).toBeLessThan(600);
  });

  it("the merge driver merges such a file committed to Git as Git merges binaries, never writing markers into it", () => {
    const repo = track(tempRepo());
    dvdOk(repo, ['install']);
    writeFiles(repo, { 'img.dvd': image, 'other.dvd': image });
    commitAll(repo, 'images');
    git(repo, 'checkout', '-q', '-b', 'left');
    writeFiles(repo, { 'img.dvd': seededBytes(8, 3000), 'other.dvd': seededBytes(9, 3000) });
    commitAll(repo, 'left');
    git(repo, 'checkout', '-q', 'main');
    writeFiles(repo, { 'img.dvd': seededBytes(10, 3000) });
    commitAll(repo, 'main');
    const m = spawnSync('git', ['merge', '--no-edit', 'left'], { cwd: repo, encoding: 'utf8' });
    expect(m.status).toBe(1);
    expect(read(repo, 'img.dvd')).toEqual(seededBytes(10, 3000)); // ours, untouched
    expect(read(repo, 'other.dvd')).toEqual(seededBytes(9, 3000)); // only theirs changed it
  });

  it('add -R leaves pointer files to Git but refuses a data file it cannot give a pointer', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'movies/disc.dvd': image, 'movies/a.txt': 'a' });
    const r = dvd(repo, ['add', '-R', 'movies']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('movies/disc.dvd');
    expect(exists(repo, 'movies/a.txt.dvd')).toBe(false);
  });
});

describe('6. checkout counts mode changes as changes', { timeout: 120_000 }, () => {
  it('restoring an executable bit is reported in text and JSON, not "Nothing to check out"', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'run.sh': '#!/bin/sh\n', 'tools/a.sh': 'a', 'tools/b': 'b' });
    fs.chmodSync(path.join(repo, 'run.sh'), 0o755);
    fs.chmodSync(path.join(repo, 'tools/a.sh'), 0o755);
    dvdOk(repo, ['add', 'run.sh', 'tools']);
    fs.chmodSync(path.join(repo, 'run.sh'), 0o644);
    fs.chmodSync(path.join(repo, 'tools/a.sh'), 0o644);
    expect(dvd(repo, ['status']).stdout).toContain('modified: run.sh');
    const co = dvdOk(repo, ['checkout']);
    expect(co.stdout).not.toContain('Nothing to check out');
    expect(co.stdout).toContain('run.sh: 0 written, 0 removed, 1 mode changed, 0 unchanged');
    expect(co.stdout).toContain('tools: 0 written, 0 removed, 1 mode changed, 1 unchanged');
    expect(fs.statSync(path.join(repo, 'run.sh')).mode & 0o111).not.toBe(0);
    fs.chmodSync(path.join(repo, 'tools/a.sh'), 0o644);
    const json = JSON.parse(dvdOk(repo, ['checkout', '--json']).stdout);
    expect(json.targets.find((t: { target: string }) => t.target === 'tools')).toMatchObject({ written: 0, modeChanged: 1, unchanged: 1 });
    expect(dvdOk(repo, ['checkout']).stdout).toContain('Nothing to check out');
  });
});

describe('4. transfer summaries count distinct objects and every byte', { timeout: 120_000 }, () => {
  /** Total bytes of the given objects in a folder store or cache. */
  const bytesOf = (dir: string, oids: string[]) => oids.reduce((n, o) => n + fs.statSync(path.join(dir, 'sha256', o.slice(0, 2), o.slice(2))).size, 0);

  it('push, fetch, pull and status --remote over two commits that share objects', () => {
    const repo = track(tempRepo());
    const store = track(tempDir('dvd-store-'));
    writeFiles(repo, { 'd/a': 'a', 'd/b': 'b', 'd/same': 'b' });
    dvdOk(repo, ['add', 'd']);
    dvdOk(repo, ['remote', 'add', '-d', 'st', store]);
    commitAll(repo, 'v1');
    const first = JSON.parse(dvdOk(repo, ['push', '--json']).stdout);
    // a, b (twice in the folder, one object) and the manifest.
    expect(storedOids(store)).toHaveLength(3);
    expect(first).toMatchObject({ uploaded: 3, alreadyPresent: 0, bytes: bytesOf(store, storedOids(store)) });
    fs.writeFileSync(path.join(repo, 'd/a'), 'c!');
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v2');
    const before = storedOids(store);
    const second = dvdOk(repo, ['push', '-A']);
    const added = storedOids(store).filter((o) => !before.includes(o));
    expect(added).toHaveLength(2); // c! and the new manifest
    // The manifest's bytes count; what v1 needs (a, b, its manifest) is there once each.
    expect(second.stdout).toBe(`pushed 2 objects (${bytesOf(store, added)} B) to st; 3 already there\n`);
    expect(dvdOk(repo, ['push', '-A']).stdout).toBe('Everything is already on st (5 objects).\n');
    expect(dvdOk(repo, ['fetch', '-A']).stdout).toBe('Everything is already in the cache (5 objects).\n');

    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const f = JSON.parse(dvdOk(repo, ['fetch', '-A', '--json']).stdout);
    expect(f).toMatchObject({ downloaded: 5, alreadyCached: 0, bytes: bytesOf(store, storedOids(store)) });
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    dvdOk(repo, ['fetch', 'd']);
    fs.rmSync(path.join(repo, 'd'), { recursive: true });
    const v1only = before.filter((o) => !storedOids(path.join(repo, '.dvd/cache')).includes(o)); // a and v1's manifest
    expect(v1only).toHaveLength(2);
    const pull = dvdOk(repo, ['pull', '-A']);
    expect(pull.stdout).toContain(`fetched 2 objects (${bytesOf(store, v1only)} B) from st`);
    const remote = JSON.parse(dvdOk(repo, ['status', '--remote', '--json']).stdout);
    expect(remote.pointers).toEqual([{ pointerFile: 'd.dvd', notPushed: 0, notFetched: 0, missing: 0, onRemote: 3 }]);
  });

  it('data of imports is counted with its bytes', () => {
    const other = track(tempRepo());
    writeFiles(other, { 'ds/x': 'xxxx', 'ds/y': 'yy' });
    dvdOk(other, ['add', 'ds']);
    commitAll(other, 'ds');
    const repo = track(tempRepo());
    dvdOk(repo, ['import', other, 'ds']);
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const f = JSON.parse(dvdOk(repo, ['fetch', '--json']).stdout);
    const manifest = /oid: sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(repo, 'ds.dvd'), 'utf8'))![1];
    expect(f).toMatchObject({ downloaded: 3, alreadyCached: 0, bytes: 6 + bytesOf(path.join(repo, '.dvd/cache'), [manifest]) });
    expect(dvdOk(repo, ['fetch']).stdout).toBe('Everything is already in the cache (3 objects).\n');
  });
});

describe('8. pull without a default remote pulls what needs none', { timeout: 120_000 }, () => {
  it('checks out what the cache holds and fetches imports from their source; the rest is reported, exit 1', () => {
    const other = track(tempRepo());
    writeFiles(other, { 'ds/x': 'x' });
    dvdOk(other, ['add', 'ds']);
    commitAll(other, 'ds');
    const src = track(tempDir('dvd-src-'));
    writeFiles(src, { 'f.txt': 'from a url' });
    const repo = track(tempRepo());
    writeFiles(repo, { 'own.bin': 'own' });
    dvdOk(repo, ['add', 'own.bin']);
    dvdOk(repo, ['import', other, 'ds']);
    dvdOk(repo, ['import-url', path.join(src, 'f.txt')]);
    for (const t of ['own.bin', 'ds', 'f.txt']) fs.rmSync(path.join(repo, t), { recursive: true });
    // Everything is in the cache: no remote is needed at all.
    expect(dvdOk(repo, ['pull']).stdout).toContain('own.bin: 1 written');
    expect(fs.readFileSync(path.join(repo, 'f.txt'), 'utf8')).toBe('from a url');
    for (const t of ['own.bin', 'ds', 'f.txt']) fs.rmSync(path.join(repo, t), { recursive: true });
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const r = dvd(repo, ['pull']);
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(repo, 'ds/x'), 'utf8')).toBe('x');
    expect(r.stderr).toContain('own.bin.dvd');
    expect(r.stderr).toContain('f.txt.dvd');
    expect(r.stderr).toContain('no remote given and no default remote set');
    expect(r.stderr).toContain('hint: add one with `dvd remote add -d NAME');
    expect(exists(repo, 'own.bin')).toBe(false);
  });

  it('in a repository with a pipeline: outputs come from the cache, the run cache is left out without a word', () => {
    const repo = track(tempRepo());
    dvdOk(repo, ['stage', 'add', '-n', 's', '-o', 'out.txt', '--', 'echo hi > out.txt']);
    dvdOk(repo, ['repro']);
    fs.rmSync(path.join(repo, 'out.txt'));
    const r = dvdOk(repo, ['pull']);
    expect(r.stderr).toBe('');
    expect(fs.readFileSync(path.join(repo, 'out.txt'), 'utf8')).toBe('hi\n');
    expect(dvdOk(repo, ['fetch']).stdout).toBe('Everything is already in the cache (1 object).\n');
  });
});

describe('7. untrack of a target missing from the workspace', { timeout: 120_000 }, () => {
  it('restores it from the cache first; refuses when the cache lacks it, unless -f', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'model.bin': seededBytes(2, 4000), 'data/a': 'a', 'lost.bin': 'lost' });
    dvdOk(repo, ['add', 'model.bin', 'data', 'lost.bin']);
    fs.rmSync(path.join(repo, 'model.bin'));
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    const r = dvdOk(repo, ['untrack', 'model.bin', 'data']);
    expect(r.stdout).toContain('restored model.bin from the cache');
    expect(r.stdout).toContain('restored data from the cache');
    expect(read(repo, 'model.bin')).toEqual(seededBytes(2, 4000));
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('a');
    expect(exists(repo, 'model.bin.dvd')).toBe(false);
    expect(exists(repo, 'data.dvd')).toBe(false);

    fs.rmSync(path.join(repo, 'lost.bin'));
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    const refused = dvd(repo, ['untrack', 'lost.bin']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lost.bin: not in the workspace, and its data is not all in the cache');
    expect(refused.stderr).toContain('`dvd untrack -f lost.bin`');
    expect(exists(repo, 'lost.bin.dvd')).toBe(true);
    dvdOk(repo, ['untrack', '-f', 'lost.bin']);
    expect(exists(repo, 'lost.bin.dvd')).toBe(false);
  });
});

describe('8. config, --no-scm, gc, ls and empty paths', { timeout: 120_000 }, () => {
  it('config --list masks secrets unless --show-secrets, shows levels with --show-level, and a rewrite keeps trailing comments', () => {
    const repo = track(tempRepo());
    dvdOk(repo, ['remote', 'add', '-d', 't', tempDir('dvd-store-')]);
    dvdOk(repo, ['remote', 'modify', '--local', 't', 'secret_access_key', 'SUPERSECRET']);
    const list = dvdOk(repo, ['config', '--list']).stdout;
    expect(list).toContain('remote.t.secret_access_key=********\n');
    expect(list).not.toContain('SUPERSECRET');
    expect(dvdOk(repo, ['config', '--list', '--json']).stdout).not.toContain('SUPERSECRET');
    expect(dvdOk(repo, ['config', '--list', '--show-secrets']).stdout).toContain('remote.t.secret_access_key=SUPERSECRET\n');
    expect(dvdOk(repo, ['config', '--list', '--show-level']).stdout).toContain('local\tremote.t.secret_access_key=********\n');
    expect(dvdOk(repo, ['config', '--list', '--show-level']).stdout).toContain('repo\tcore.remote=t\n');
    expect(dvd(repo, ['config', '--show-level', 'core.remote']).code).toBe(2);
    // A note after a value is the user's: it survives changing the value, and renaming the remote.
    dvdOk(repo, ['remote', 'add', 's', tempDir('dvd-store-')]);
    const cfg = path.join(repo, '.dvd/config');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace(/remote = t\n/, 'remote = t  ; trailing comment\n').replace('[remote "s"]', '[remote "s"] # the backup'));
    dvdOk(repo, ['config', 'core.remote', 's']);
    dvdOk(repo, ['remote', 'rename', 's', 'backup']);
    const text = fs.readFileSync(cfg, 'utf8');
    expect(text).toContain('remote = backup  ; trailing comment\n');
    expect(text).toContain('[remote "backup"] # the backup\n');
    expect(dvdOk(repo, ['config', 'core.remote']).stdout).toBe('backup\n');
  });

  it('--no-scm: add writes no .gitignore and prints no git advice', () => {
    const dir = track(tempDir());
    dvdOk(dir, ['init', '--no-scm']);
    writeFiles(dir, { 'data/a': 'a', 'm.bin': 'm' });
    const add = dvdOk(dir, ['add', 'data', 'm.bin']);
    expect(add.stdout).not.toContain('git');
    expect(exists(dir, '.gitignore')).toBe(false);
    fs.writeFileSync(path.join(dir, 'm.bin'), 'm2');
    expect(dvdOk(dir, ['commit']).stdout).not.toContain('git');
    expect(dvdOk(dir, ['move', 'm.bin', 'n.bin']).stdout).not.toContain('git');
    expect(dvdOk(dir, ['untrack', 'n.bin']).stdout).not.toContain('git');
    // Pipelines too: stage add gives no git advice, repro git-ignores no output.
    expect(dvdOk(dir, ['stage', 'add', '-n', 's', '-o', 'out.txt', '--', 'echo hi > out.txt']).stdout).toBe('added stage s in dvd.yaml\n');
    dvdOk(dir, ['repro']);
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('hi\n');
    expect(exists(dir, '.gitignore')).toBe(false);
  });

  it('stage add stages dvd.yaml with core.autostage, as add does', () => {
    const repo = track(tempRepo());
    dvdOk(repo, ['config', 'core.autostage', 'true']);
    expect(dvdOk(repo, ['stage', 'add', '-n', 's', '-o', 'out.txt', '--', 'echo hi > out.txt']).stdout).toBe('added stage s in dvd.yaml\nstaged dvd.yaml\n');
    expect(git(repo, 'diff', '--cached', '--name-only')).toContain('dvd.yaml');
  });

  it('gc --dry-run says when it cannot know the commit because a manifest is not in the cache; --help shows no [] default', () => {
    const repo = track(tempRepo());
    const store = track(tempDir('dvd-store-'));
    writeFiles(repo, { 'd/a': '1' });
    dvdOk(repo, ['add', 'd']);
    dvdOk(repo, ['remote', 'add', '-d', 'st', store]);
    commitAll(repo, 'v1');
    const v1manifest = /oid: sha256:([0-9a-f]{64})/.exec(fs.readFileSync(path.join(repo, 'd.dvd'), 'utf8'))![1];
    dvdOk(repo, ['push']);
    fs.writeFileSync(path.join(repo, 'd/a'), '2');
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v2');
    dvdOk(repo, ['push']);
    const m = path.join(repo, '.dvd/cache/sha256', v1manifest.slice(0, 2), v1manifest.slice(2));
    fs.chmodSync(path.dirname(m), 0o755);
    fs.rmSync(m, { force: true });
    const dry = dvdOk(repo, ['gc', '-w', '--dry-run']).stdout;
    expect(dry).toContain('(in no commit found: 1 folder manifest of the history is not in the cache)');
    expect(dry).not.toContain('(in no commit)');
    expect(dvdOk(repo, ['gc', '--help']).stdout).not.toContain('(default: [])');
  });

  it('paths outside the repository exit 1 in every command, an empty path is a usage error', () => {
    const repo = track(tempRepo());
    writeFiles(repo, { 'm.bin': 'm' });
    dvdOk(repo, ['add', 'm.bin']);
    commitAll(repo, 'm');
    const outside = [['ls', '/etc'], ['status', '/etc'], ['add', '/etc/hostname'], ['check-ignore', '/etc'], ['checkout', '/etc']];
    outside.push(['metrics', 'show', '/etc'], ['plots', 'show', '/etc'], ['artifact', 'register', 'm', '--path', '/etc']);
    for (const args of outside) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(`outside the repository ${repo}`);
    }
    const empty = [['add', ''], ['status', ''], ['ls', ''], ['checkout', ''], ['untrack', '']];
    empty.push(['metrics', 'show', ''], ['plots', 'show', ''], ['artifact', 'register', 'm', '--path', '']);
    for (const args of empty) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('empty path');
      expect(r.stderr).not.toContain('repository root');
    }
  });
});

describe('9. root and linked cache types', { timeout: 120_000 }, () => {
  it.runIf(process.getuid?.() === 0)('version and doctor warn when root checks out hardlinks or symlinks into the cache', () => {
    const repo = track(tempRepo());
    expect(dvdOk(repo, ['version']).stdout).not.toContain('Warning');
    dvdOk(repo, ['config', 'cache.type', 'hardlink,copy']);
    const v = dvdOk(repo, ['version']).stdout;
    expect(v).toContain('Warning: running as root with cache.type hardlink');
    expect(v).toContain('dvd verify');
    const d = dvdOk(repo, ['doctor']);
    expect(d.stdout).toContain('Warning: running as root');
    expect(JSON.parse(dvdOk(repo, ['doctor', '--json']).stdout).warnings).toHaveLength(1);
    // And the risk is real: root writes through the 0444 mode into the object.
    writeFiles(repo, { 'm.bin': 'model' });
    dvdOk(repo, ['add', 'm.bin']);
    fs.appendFileSync(path.join(repo, 'm.bin'), ' edited');
    const v2 = dvd(repo, ['verify']);
    expect(v2.code).toBe(1);
  });
});
