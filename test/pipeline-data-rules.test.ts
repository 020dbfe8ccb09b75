import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneRepo, commitAll, DVD_BIN, dvd, dvdOk, git, pointerOidAt, storedOids, tempDir } from './helpers.js';
import { dataPipeline, pushedPipeline, read, reproRan, setLr } from './pipelineHelpers.js';

// The data layer's rules (issue 9) hold for what pipelines add (issue 12): a dvd.lock or
// dvd.yaml that cannot be read is one problem, not a wall; a path inside a folder output
// scopes the data commands; a file output keeps its executable bit; files come back with
// the umask's modes; printed paths are relative to where dvd runs; linked worktrees share
// the cache and the lock with repro too; gc says what it removes from the run cache.

// prepare makes a folder (prepared/all.txt, y.txt, sub/x.txt); train makes a model and an
// executable tool.sh, both depending on params.yaml's lr.
const YAML = `stages:
  prepare:
    cmd: echo prepare >> log.txt && mkdir -p prepared/sub && cat data/* > prepared/all.txt && echo y > prepared/y.txt && echo x > prepared/sub/x.txt
    deps: [data]
    outs: [prepared]
  train:
    cmd: echo train >> log.txt && cat prepared/all.txt > model.txt && echo lr=\${lr} >> model.txt && printf '#!/bin/sh\\necho \${lr}\\n' > tool.sh && chmod 755 tool.sh
    deps: [prepared]
    params: [lr]
    outs: [model.txt, tool.sh]
`;

const project = (remoteUrl?: string) => dataPipeline(YAML, remoteUrl);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const mode = (f: string) => fs.statSync(f).mode & 0o777;
const cacheOf = (repo: string) => path.join(repo, '.dvd/cache');

/** A folder inside the repository to run dvd from. */
function subdir(repo: string): string {
  const dir = path.join(repo, 'notes');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** dvd under a real umask, set by a shell as a login does. */
function dvdUmask(mask: string, cwd: string, args: string[]): void {
  const r = spawnSync('sh', ['-c', 'umask "$0" && exec "$@"', mask, process.execPath, DVD_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none') },
  });
  if (r.status !== 0) throw new Error(`dvd ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

describe('a dvd.lock or dvd.yaml that cannot be read is one problem, not a wall', () => {
  it('checkout and push do every other target, name ../dvd.lock from a subfolder and exit 1; gc deletes nothing', () => {
    const store = tempDir('dvd-store-');
    const repo = project(store);
    reproRan(repo);
    commitAll(repo, 'v1');
    const good = read(repo, 'dvd.lock');
    fs.writeFileSync(path.join(repo, 'dvd.lock'), good.replace(/oid: sha256:[0-9a-f]{64}/, 'oid: sha256:12'));
    fs.rmSync(path.join(repo, 'data'), { recursive: true });

    const co = dvd(subdir(repo), ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toMatch(/^error: \.\.\/dvd\.lock:\d+: stage prepare: deps\.0\.oid: bad oid "sha256:12"/m);
    expect(co.stderr).toContain('git checkout -- ../dvd.lock');
    expect(read(repo, 'data/a.txt')).toBe('a\n');

    const push = dvd(repo, ['push', '--no-run-cache']);
    expect(push.code).toBe(1);
    expect(push.stderr).toMatch(/^error: dvd\.lock:\d+: stage prepare/m);
    expect(storedOids(store)).toContain(pointerOidAt(repo, 'HEAD', 'data.dvd'));

    const cache = storedOids(cacheOf(repo));
    const gc = dvd(repo, ['gc', '-w', '-f']);
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain('nothing was deleted');
    expect(gc.stderr).toContain('dvd.lock:');
    expect(storedOids(cacheOf(repo))).toEqual(cache);
  });

  it('gc deletes nothing when dvd.lock at a revision in scope cannot be read; push --all-commits moves the rest', () => {
    const store = tempDir('dvd-store-');
    const repo = project(store);
    reproRan(repo);
    commitAll(repo, 'v1');
    const good = read(repo, 'dvd.lock');
    fs.writeFileSync(path.join(repo, 'dvd.lock'), good.replace('schema: \'1\'', 'schema: \'9\''));
    const bad = commitAll(repo, 'a dvd.lock from the future');
    fs.writeFileSync(path.join(repo, 'dvd.lock'), good);
    commitAll(repo, 'fixed');

    const cache = storedOids(cacheOf(repo));
    const gc = dvd(repo, ['gc', '--all-commits', '-f']);
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain(`${bad.slice(0, 12)}:dvd.lock:1: schema: unsupported version "9"`);
    expect(gc.stderr).toContain('nothing was deleted');
    expect(storedOids(cacheOf(repo))).toEqual(cache);

    const push = dvd(repo, ['push', '--all-commits', '--no-run-cache']);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain(`${bad.slice(0, 12)}:dvd.lock:1: schema: unsupported version "9"`);
    expect(storedOids(store)).toContain(sha(read(repo, 'model.txt')));
  });

  it('status shows the data and reports a bad dvd.yaml (named from the subfolder), exit 1; repro names it too', () => {
    const repo = project();
    reproRan(repo);
    commitAll(repo, 'v1');
    fs.writeFileSync(path.join(repo, 'data/a.txt'), 'A\n');
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), 'stages:\n  prepare:\n    cmd: x\n    dep: [data]\n');
    const st = dvd(subdir(repo), ['status']);
    expect(st.code).toBe(1);
    expect(st.stdout).toContain('../data.dvd:\n\tmodified: ../data/a.txt');
    expect(st.stderr).toContain('error: ../dvd.yaml:4: unknown key "dep" in stage prepare (did you mean deps?)');
    const r = dvd(subdir(repo), ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: ../dvd.yaml:4: unknown key "dep"');
  });
});

describe('printed paths are relative to where dvd runs', () => {
  it('status, repro --dry and stage add name files from the subfolder', () => {
    const repo = project();
    reproRan(repo);
    setLr(repo, '0.2');
    const notes = subdir(repo);
    // lr is in the cmd too, so both reasons show.
    expect(dvdOk(notes, ['status']).stdout).toMatch(/^train: cmd changed: .*; \.\.\/params\.yaml lr 0\.1 -> 0\.2$/m);
    expect(dvdOk(notes, ['repro', '--dry']).stdout).toMatch(/^train: would run: cmd changed: .*; \.\.\/params\.yaml lr 0\.1 -> 0\.2$/m);
    fs.rmSync(path.join(repo, 'prepared/y.txt'));
    expect(dvdOk(notes, ['status']).stdout).toContain('prepare: output ../prepared modified (1 file)');
    // Paths in dvd.yaml are the stage's (relative to its wdir), wherever dvd runs.
    const add = dvdOk(notes, ['stage', 'add', '-n', 'report', '-d', 'model.txt', '-o', 'my report.txt', '--', 'cat', 'model.txt', '>', 'my report.txt']);
    expect(add.stdout).toContain('\tgit add ../dvd.yaml\n');
    expect(read(repo, 'dvd.yaml')).toContain("cmd: cat model.txt '>' 'my report.txt'");
  });
});

describe('a path inside a folder output scopes the data commands', () => {
  it('checkout of one file or sub-folder restores only it; -f discards edits only under it', () => {
    const repo = project();
    reproRan(repo);
    fs.writeFileSync(path.join(repo, 'prepared/all.txt'), 'my edit\n');
    fs.rmSync(path.join(repo, 'prepared/y.txt'));
    dvdOk(repo, ['checkout', 'prepared/y.txt']);
    expect(read(repo, 'prepared/y.txt')).toBe('y\n');
    expect(read(repo, 'prepared/all.txt')).toBe('my edit\n');

    fs.writeFileSync(path.join(repo, 'prepared/sub/x.txt'), 'edited x\n');
    dvdOk(repo, ['checkout', '-f', 'prepared/sub']);
    expect(read(repo, 'prepared/sub/x.txt')).toBe('x\n');
    expect(read(repo, 'prepared/all.txt')).toBe('my edit\n');

    const none = dvd(repo, ['checkout', 'prepared/nope.txt']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('prepared/nope.txt: not in prepared at this version (dvd.lock)');
    const inFile = dvd(repo, ['checkout', 'model.txt/x']);
    expect(inFile.code).toBe(1);
    expect(inFile.stderr).toContain('model.txt/x: model.txt is a file, an output recorded in dvd.lock');
    // Without -f the edit outside the scope still blocks a checkout of the whole output.
    expect(dvd(repo, ['checkout', 'prepared']).code).toBe(1);
  });

  it('pull of a sub-folder of an output fetches and writes only that part', () => {
    const b = cloneRepo(pushedPipeline(YAML).repo);
    dvdOk(b, ['pull', 'prepared/sub']);
    expect(read(b, 'prepared/sub/x.txt')).toBe('x\n');
    expect(fs.existsSync(path.join(b, 'prepared/all.txt'))).toBe(false);
    expect(storedOids(cacheOf(b))).toContain(sha('x\n'));
    expect(storedOids(cacheOf(b))).not.toContain(sha('y\n'));
  });
});

describe('a file output keeps its executable bit', () => {
  it('dvd.lock records exec: true; checkout with nothing to do keeps the bit, a restore sets it, the run cache too', () => {
    const repo = project();
    reproRan(repo);
    const tool = path.join(repo, 'tool.sh');
    expect(mode(tool) & 0o111).not.toBe(0);
    expect(read(repo, 'dvd.lock')).toMatch(/\{path: tool\.sh, oid: sha256:[0-9a-f]{64}, size: \d+, exec: true\}/);
    dvdOk(repo, ['checkout']);
    expect(mode(tool) & 0o111).not.toBe(0);
    fs.rmSync(tool);
    dvdOk(repo, ['checkout', 'tool.sh']);
    expect(mode(tool) & 0o111).not.toBe(0);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');

    setLr(repo, '0.2');
    reproRan(repo);
    setLr(repo, '0.1');
    expect(dvdOk(repo, ['repro']).stdout).toContain('train: restored from run cache');
    expect(read(repo, 'tool.sh')).toBe('#!/bin/sh\necho 0.1\n');
    expect(mode(tool) & 0o111).not.toBe(0);
  });
});

describe('outputs dvd writes get 0666/0777 masked by the umask', () => {
  it('restored from the run cache under umask 077, checked out under umask 002', () => {
    const repo = project();
    reproRan(repo);
    setLr(repo, '0.2');
    reproRan(repo);
    setLr(repo, '0.1');
    dvdUmask('077', repo, ['repro']);
    expect(read(repo, 'model.txt')).toBe('a\nb\nlr=0.1\n');
    expect(mode(path.join(repo, 'model.txt'))).toBe(0o600);
    expect(mode(path.join(repo, 'tool.sh'))).toBe(0o700);
    fs.rmSync(path.join(repo, 'prepared'), { recursive: true });
    fs.rmSync(path.join(repo, 'tool.sh'));
    dvdUmask('002', repo, ['checkout']);
    expect(mode(path.join(repo, 'prepared/all.txt'))).toBe(0o664);
    expect(mode(path.join(repo, 'prepared/sub'))).toBe(0o775);
    expect(mode(path.join(repo, 'tool.sh'))).toBe(0o775);
  });
});

describe('gc says what it removes from the run cache and which commit recorded an output', () => {
  it('--dry-run names outputs by dvd.lock and commit, or by run-cache entry; the question counts run outputs', () => {
    const repo = project();
    reproRan(repo);
    const v1 = commitAll(repo, 'v1');
    const v1Model = read(repo, 'model.txt');
    setLr(repo, '0.2');
    reproRan(repo);
    const lr2Model = read(repo, 'model.txt');
    setLr(repo, '0.3');
    reproRan(repo);

    const dry = dvdOk(repo, ['gc', '-w', '--dry-run']).stdout;
    expect(dry).toContain(`cache: model.txt (dvd.lock at ${v1.slice(0, 12)}) sha256:${sha(v1Model).slice(0, 12)}`);
    expect(dry).toMatch(new RegExp(`cache: model.txt \\(run cache [0-9a-f]{12}\\) sha256:${sha(lr2Model).slice(0, 12)}`));
    expect(dry).toContain('4 of them are outputs of earlier runs in the run cache');

    const cache = storedOids(cacheOf(repo));
    const gc = dvd(repo, ['gc', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain('gc would remove 4 objects from the cache; 4 of them are on no remote');
    expect(gc.stderr).toContain('4 of them are outputs of earlier runs in the run cache (`dvd repro` would run those stages again instead of restoring them); nothing deleted');
    expect(storedOids(cacheOf(repo))).toEqual(cache);
  });
});

describe('linked worktrees: repro uses the shared cache and the shared lock', () => {
  it("outputs made in a linked worktree land in the one cache, gc elsewhere keeps them, and a live holder's lock is waited for, a dead one's taken over", () => {
    const main = project();
    reproRan(main);
    commitAll(main, 'v1');
    const wt = path.join(tempDir('dvd-wt-'), 'wt2');
    git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');
    dvdOk(wt, ['checkout']);
    expect(read(wt, 'model.txt')).toBe(read(main, 'model.txt'));
    setLr(wt, '0.2');
    expect(reproRan(wt)).toEqual(['train']);
    const featModel = read(wt, 'model.txt');
    expect(storedOids(cacheOf(main))).toContain(sha(featModel));
    expect(fs.existsSync(path.join(wt, '.dvd/cache'))).toBe(false);

    // gc in the main worktree keeps what the other worktree's dvd.lock records.
    dvdOk(main, ['gc', '-w', '-f']);
    expect(storedOids(cacheOf(main))).toContain(sha(featModel));
    commitAll(wt, 'feat');
    git(main, 'checkout', '-q', 'feat~0');
    dvdOk(main, ['checkout']);
    expect(read(main, 'model.txt')).toBe(featModel);

    // The lock is the main worktree's: a live holder makes the stage wait, then fail.
    const lockFile = path.join(main, '.dvd/state.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, command: 'held by the test', id: 'test' }));
    setLr(wt, '0.3');
    const lockBefore = read(wt, 'dvd.lock');
    const held = dvd(wt, ['repro'], { env: { DVD_LOCK_WAIT_MS: '300' } });
    expect(held.code).toBe(1);
    expect(held.stderr).toContain(`outputs not stored: another dvd process (pid ${process.pid}: dvd held by the test)`);
    expect(read(wt, 'dvd.lock')).toBe(lockBefore);
    // A lock whose holder is gone is taken over.
    const dead = spawnSync('true').pid;
    fs.writeFileSync(lockFile, JSON.stringify({ pid: dead, command: 'crashed', id: 'dead' }));
    expect(reproRan(wt)).toEqual(['train']);
    expect(read(wt, 'model.txt')).toContain('lr=0.3');
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

describe("issue 11's commands count stages and their outputs", () => {
  it('status -q exits 1 for a stage that is not up to date; --glob and unprotect find outputs', () => {
    const repo = project();
    reproRan(repo);
    const quiet = dvd(repo, ['status', '-q']);
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
    setLr(repo, '0.2');
    const stale = dvd(repo, ['status', '-q']);
    expect([stale.code, stale.stdout]).toEqual([1, '']);
    expect(dvd(repo, ['status', '--exit-code']).code).toBe(1);
    expect(dvdOk(repo, ['status']).stdout).toContain('train: ');
    setLr(repo, '0.1');

    // A pattern matches outputs that are not in the workspace now.
    fs.rmSync(path.join(repo, 'model.txt'));
    dvdOk(repo, ['checkout', '--glob', 'mod*']);
    expect(read(repo, 'model.txt')).toBe('a\nb\nlr=0.1\n');

    // With hardlinks an output is the read-only cache object until unprotected.
    dvdOk(repo, ['config', 'cache.type', 'hardlink']);
    dvdOk(repo, ['checkout', '--relink']);
    const model = path.join(repo, 'model.txt');
    expect(fs.statSync(model).nlink).toBeGreaterThan(1);
    dvdOk(repo, ['unprotect', 'model.txt', 'prepared/sub/x.txt']);
    expect(fs.statSync(model).nlink).toBe(1);
    expect(mode(model) & 0o200).not.toBe(0);
    expect(read(repo, 'model.txt')).toBe('a\nb\nlr=0.1\n');
    expect(mode(path.join(repo, 'prepared/sub/x.txt')) & 0o200).not.toBe(0);
  });
});
