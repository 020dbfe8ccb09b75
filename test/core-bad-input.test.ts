import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, dvd, dvdOk, git, seededBytes, tempDir, tempRepo, treeHashes, watchExit, writeFiles } from './helpers.js';

/** Snapshot of everything in the repo except .git, to prove a failing command changed nothing. */
function snapshot(repo: string): Record<string, string> {
  const all = treeHashes(repo);
  for (const k of Object.keys(all)) if (k.startsWith('.git/') || k.startsWith('.dvd/state')) delete all[k];
  return all;
}

describe('bad input: clear error, exit 1, nothing changed', () => {
  it('dvd init outside Git fails with a hint; --no-scm works', () => {
    const dir = tempDir();
    const r = dvd(dir, ['init']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not inside a Git repository');
    expect(r.stderr).toContain('--no-scm');
    expect(fs.existsSync(path.join(dir, '.dvd'))).toBe(false);
    dvdOk(dir, ['init', '--no-scm']);
    writeFiles(dir, { 'x/a': 'a' });
    dvdOk(dir, ['add', 'x']);
    expect(fs.existsSync(path.join(dir, 'x.dvd'))).toBe(true);
  });

  it('commands outside a dvd repo say so', () => {
    const r = dvd(tempDir(), ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a dvd repository/);
  });

  it('usage errors exit 2', () => {
    const repo = tempRepo();
    expect(dvd(repo, ['add']).code).toBe(2);
    expect(dvd(repo, ['nosuchcommand']).code).toBe(2);
    expect(dvd(repo, ['add', '-j', 'zero', 'x']).code).toBe(2);
  });

  it('refuses add targets that are missing, outside, inside .dvd, Git-tracked, nested or overlapping', () => {
    const repo = tempRepo();
    const outside = tempDir();
    writeFiles(outside, { f: 'x' });
    writeFiles(repo, { 'fresh.txt': 'f', 'code.py': 'print(1)\n', 'data/a': 'A', 'data/sub/b': 'B', 'other/c': 'C', 'other/inner/d': 'D' });
    git(repo, 'add', 'code.py');
    git(repo, 'commit', '-qm', 'code');
    dvdOk(repo, ['add', 'data', 'other/inner']);
    const before = snapshot(repo);
    const cases: [string[], RegExp][] = [
      [['add', 'nope'], /nope: no such file or directory/],
      [['add', path.join(outside, 'f')], /outside the repository/],
      [['add', '../x'], /outside the repository/],
      [['add', '.dvd/config'], /inside \.dvd\/, which dvd manages itself/],
      [['add', 'code.py'], /code\.py: already tracked by Git/],
      [['add', 'data/sub'], /data\/sub: inside data, which dvd already tracks \(data\.dvd\)/],
      [['add', 'other'], /other: contains data dvd already tracks \(other\/inner\.dvd\)/],
      [['add', 'data.dvd'], /is a dvd pointer file/],
      [['add', 'fresh.txt', 'nope'], /nope: no such file/],
    ];
    for (const [args, re] of cases) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(snapshot(repo), args.join(' ')).toEqual(before);
    }
  });

  it('refuses a symlink inside a tracked folder, naming it', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    fs.symlinkSync('/etc/passwd', path.join(repo, 'data/link'));
    const r = dvd(repo, ['add', 'data']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\/link: is a symbolic link; dvd does not store links inside tracked data/);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
  });

  it('malformed, conflicted and hostile pointers give errors naming file, line and field', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    dvdOk(repo, ['add', 'data']);
    const good = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    const cases: [string, RegExp][] = [
      [`<<<<<<< HEAD\n${good}=======\n${good}>>>>>>> b\n`, /data\.dvd:1: has unresolved Git conflict markers/],
      [good.replace('type: dir', 'type: weird'), /data\.dvd:2: type: unknown type "weird"/],
      [good.replace(/sha256:[0-9a-f]+/, 'sha256:1234'), /data\.dvd:3: oid: bad oid/],
      [good.replace('path: data', 'path: ../../etc'), /data\.dvd:1: path: .*'\.\.' is not allowed/],
      [good.replace('path: data', 'path: /etc'), /data\.dvd:1: path: .*absolute/],
      ['not yaml at all', /data\.dvd/],
    ];
    for (const [text, re] of cases) {
      fs.writeFileSync(path.join(repo, 'data.dvd'), text);
      for (const cmd of ['status', 'checkout', 'commit']) {
        const r = dvd(repo, [cmd]);
        expect(r.code, `${cmd}: ${text}`).toBe(1);
        expect(r.stderr, `${cmd}: ${text}`).toMatch(re);
      }
      expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('A');
    }
  });

  it('a manifest entry escaping the target is refused before anything is written', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    dvdOk(repo, ['add', 'data']);
    // Forge a manifest whose entry climbs out of the target, store it under its true hash.
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const aOid = crypto.createHash('sha256').update('A').digest('hex');
    const manifest = `dvd-manifest 1\n${aOid} 1 - ../escaped\n`;
    const mOid = crypto.createHash('sha256').update(manifest).digest('hex');
    const mPath = path.join(repo, '.dvd/cache/sha256', mOid.slice(0, 2), mOid.slice(2));
    fs.mkdirSync(path.dirname(mPath), { recursive: true });
    fs.writeFileSync(mPath, manifest);
    const text = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8').replace(/sha256:[0-9a-f]+/, `sha256:${mOid}`);
    fs.writeFileSync(path.join(repo, 'data.dvd'), text);
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    const r = dvd(repo, ['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unsafe path "\.\.\/escaped": '\.\.' is not allowed/);
    expect(fs.existsSync(path.join(repo, 'escaped'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'data'))).toBe(false);
  });

  it('checkout never writes through a symlinked folder', () => {
    const repo = tempRepo();
    const elsewhere = tempDir();
    writeFiles(repo, { 'data/sub/a': 'A' });
    dvdOk(repo, ['add', 'data']);
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(repo, 'data'));
    const r = dvd(repo, ['checkout']);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('checkout refuses to destroy data that is not in the cache, listing the files; --force overrides', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'v1', 'data/b': 'keep' });
    dvdOk(repo, ['add', 'data']);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    fs.writeFileSync(path.join(repo, 'data/a'), 'v2');
    dvdOk(repo, ['commit']);
    git(repo, 'commit', '-qam', 'v2');
    git(repo, 'checkout', '-q', 'HEAD~1');
    // Uncommitted edit + untracked file inside the tracked folder.
    fs.writeFileSync(path.join(repo, 'data/a'), 'precious edit');
    fs.writeFileSync(path.join(repo, 'data/untracked.txt'), 'precious new file');
    const r = dvd(repo, ['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data/a');
    expect(r.stderr).toContain('data/untracked.txt');
    expect(r.stderr).toMatch(/dvd commit/);
    expect(r.stderr).toMatch(/--force/);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('precious edit');
    expect(fs.readFileSync(path.join(repo, 'data/untracked.txt'), 'utf8')).toBe('precious new file');
    // A modification whose content is in the cache (it was v2) is safe to replace.
    fs.writeFileSync(path.join(repo, 'data/a'), 'v2');
    fs.rmSync(path.join(repo, 'data/untracked.txt'));
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('v1');
    fs.writeFileSync(path.join(repo, 'data/a'), 'throwaway');
    dvdOk(repo, ['checkout', '--force']);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('v1');
  });

  it('a second dvd writing the same repo fails naming the holder pid', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    const lock = path.join(repo, '.dvd/state.lock');
    // A live holder: this test process's own parent-independent child.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 20000)']);
    fs.writeFileSync(lock, JSON.stringify({ pid: holder.pid, command: 'add' }));
    try {
      const r = dvd(repo, ['add', 'data'], { env: { DVD_LOCK_WAIT_MS: '300' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`another dvd process (pid ${holder.pid}: dvd add) is working in this repository`);
      expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    } finally {
      holder.kill();
    }
    // A stale lock (dead pid) is taken over.
    fs.writeFileSync(lock, JSON.stringify({ pid: 999999, command: 'add' }));
    dvdOk(repo, ['add', 'data']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('an add killed midway leaves only whole, correct objects; running it again completes', async () => {
    const repo = tempRepo();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) files[`data/f${i}`] = seededBytes(i, 64 * 1024);
    writeFiles(repo, files);
    const before = treeHashes(path.join(repo, 'data'));
    const child = spawn(process.execPath, [DVD_BIN, 'add', 'data', '-j', '2'], { cwd: repo, stdio: 'ignore' });
    const exit = watchExit(child);
    // Kill as soon as some objects exist.
    const objDir = path.join(repo, '.dvd/cache/sha256');
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000 && !exit.exited()) {
      if (fs.existsSync(objDir) && fs.readdirSync(objDir).length > 5) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exit.done;
    const crypto = await import('node:crypto');
    for (const d of fs.existsSync(objDir) ? fs.readdirSync(objDir) : []) {
      for (const f of fs.readdirSync(path.join(objDir, d))) {
        const h = crypto.createHash('sha256').update(fs.readFileSync(path.join(objDir, d, f))).digest('hex');
        expect(h).toBe(d + f);
      }
    }
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
    dvdOk(repo, ['add', 'data']);
    expect(fs.readdirSync(path.join(repo, '.dvd/tmp'))).toEqual([]);
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    dvdOk(repo, ['checkout']);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
  });
});
