import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneRepo, DVD_BIN, dvd, dvdOk, git, seededBytes, tempDir, tempRepo, treeHashes, watchExit, writeFiles } from './helpers.js';

// The user's story with a folder remote (a mounted share): push from one clone, clone
// the Git repo elsewhere, pull there, get the exact bytes.

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(files: Record<string, string | Buffer>, targets: string[]) {
  const repo = tempRepo();
  const store = tempDir('dvd-store-');
  cleanup.push(repo, store);
  writeFiles(repo, files);
  dvdOk(repo, ['add', ...targets]);
  dvdOk(repo, ['remote', 'add', '-d', 'share', store]);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  return { repo, store };
}

function clone(repo: string): string {
  const dir = cloneRepo(repo);
  cleanup.push(path.dirname(dir)); // cloneRepo clones into a folder of its own temp dir
  return dir;
}

/**
 * Push flip.bin, short.bin and ok.bin (of `sizes` bytes), then on the remote flip one bit
 * of flip.bin at `flipAt` and cut short.bin to `shortTo` bytes: a pull in a clone names
 * both with their pointers, and neither reaches the cache or the workspace; ok.bin arrives.
 */
function damagedOnRemote(sizes: { flip: number; short: number; ok: number }, flipAt: number, shortTo: number): void {
  const { repo, store } = setup({ 'flip.bin': seededBytes(7, sizes.flip), 'short.bin': seededBytes(8, sizes.short), 'ok.bin': seededBytes(9, sizes.ok) }, ['flip.bin', 'short.bin', 'ok.bin']);
  dvdOk(repo, ['push']);
  const oidOf = (f: string) => fs.readFileSync(path.join(repo, `${f}.dvd`), 'utf8').match(/sha256:([0-9a-f]{64})/)![1];
  const onRemote = (oid: string) => path.join(store, 'sha256', oid.slice(0, 2), oid.slice(2));
  const flipped = seededBytes(7, sizes.flip);
  flipped[flipAt] ^= 1;
  fs.chmodSync(onRemote(oidOf('flip.bin')), 0o644);
  fs.writeFileSync(onRemote(oidOf('flip.bin')), flipped);
  fs.chmodSync(onRemote(oidOf('short.bin')), 0o644);
  fs.writeFileSync(onRemote(oidOf('short.bin')), seededBytes(8, sizes.short).subarray(0, shortTo));
  const other = clone(repo);
  const r = dvd(other, ['pull']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`sha256:${oidOf('flip.bin')} (flip.bin.dvd)`);
  expect(r.stderr).toMatch(/sent corrupt data/);
  expect(r.stderr).toContain(`sha256:${oidOf('short.bin')} (short.bin.dvd)`);
  expect(r.stderr).toContain(`expected ${sizes.short} bytes, got ${shortTo}`);
  expect(fs.readFileSync(path.join(other, 'ok.bin')).equals(seededBytes(9, sizes.ok))).toBe(true);
  for (const f of ['flip.bin', 'short.bin']) {
    expect(fs.existsSync(path.join(other, f))).toBe(false);
    expect(fs.existsSync(path.join(other, '.dvd/cache/sha256', oidOf(f).slice(0, 2), oidOf(f).slice(2)))).toBe(false);
  }
  expect(fs.readdirSync(path.join(other, '.dvd/tmp'))).toEqual([]);
}

/** Every object file under a folder remote or cache, with its name checked against its content. */
function storeObjects(store: string): string[] {
  const root = path.join(store, 'sha256');
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  for (const fan of fs.readdirSync(root)) for (const rest of fs.readdirSync(path.join(root, fan))) out.push(fan + rest);
  return out.sort();
}

const dataFiles = (n: number, dir = 'data/images') => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < n; i++) files[`${dir}/img${String(i).padStart(4, '0')}.bin`] = seededBytes(i + 1, 1000 + i * 37);
  return files;
};

describe('folder remote', { timeout: 240_000 }, () => {
  it('push, then pull in a fresh clone gives the exact bytes; a second push uploads nothing', () => {
    const { repo, store } = setup({ ...dataFiles(300), 'model.bin': seededBytes(999, 200_000) }, ['data/images', 'model.bin']);
    const pushed = dvdOk(repo, ['push', '--json']);
    const r = JSON.parse(pushed.stdout);
    // 300 files + model + 1 manifest
    expect(r.uploaded).toBe(302);
    expect(r.failed).toEqual([]);
    expect(storeObjects(store)).toHaveLength(302);
    // Nothing half-written is left in the remote's temp folder.
    expect(fs.readdirSync(path.join(store, 'tmp'))).toEqual([]);

    const again = JSON.parse(dvdOk(repo, ['push', '--json']).stdout);
    expect(again.uploaded).toBe(0);
    expect(again.alreadyPresent).toBe(302);

    const other = clone(repo);
    expect(fs.existsSync(path.join(other, 'data/images'))).toBe(false);
    dvdOk(other, ['pull']);
    expect(treeHashes(path.join(other, 'data/images'))).toEqual(treeHashes(path.join(repo, 'data/images')));
    expect(fs.readFileSync(path.join(other, 'model.bin')).equals(fs.readFileSync(path.join(repo, 'model.bin')))).toBe(true);
    // A second pull has nothing to do.
    const noop = JSON.parse(dvdOk(other, ['pull', '--json']).stdout);
    expect(noop.fetch.downloaded).toBe(0);
  });

  it('fetch of one target brings only its objects into the cache, and leaves the workspace alone', () => {
    const { repo } = setup({ ...dataFiles(5, 'a'), ...dataFiles(7, 'b') }, ['a', 'b']);
    dvdOk(repo, ['push']);
    const other = clone(repo);
    const r = JSON.parse(dvdOk(other, ['fetch', 'b', '--json']).stdout);
    expect(r.downloaded).toBe(8); // 7 files + manifest
    expect(r.complete).toEqual(['b.dvd']);
    expect(fs.existsSync(path.join(other, 'b'))).toBe(false);
    expect(storeObjects(path.join(other, '.dvd/cache'))).toHaveLength(8);
  });

  it('status --remote shows what is not pushed, then nothing after push', () => {
    const { repo } = setup({ ...dataFiles(4), 'x.txt': 'hello\n' }, ['data/images', 'x.txt']);
    const before = JSON.parse(dvdOk(repo, ['status', '--remote', '--json']).stdout);
    const byFile = Object.fromEntries(before.pointers.map((p: { pointerFile: string }) => [p.pointerFile, p]));
    expect(byFile['data/images.dvd'].notPushed).toBe(5);
    expect(byFile['x.txt.dvd'].notPushed).toBe(1);
    expect(dvdOk(repo, ['status', '--remote']).stdout).toMatch(/data\/images\.dvd:\n\t5 objects not pushed/);
    dvdOk(repo, ['push']);
    expect(dvdOk(repo, ['status', '-r', 'share']).stdout).toMatch(/up to date \(2 pointers\)/);
    // In a clone with an empty cache, the data is "not fetched", not missing.
    const other = clone(repo);
    const after = JSON.parse(dvdOk(other, ['status', '--remote', '--json']).stdout);
    const x = after.pointers.find((p: { pointerFile: string }) => p.pointerFile === 'x.txt.dvd');
    expect(x).toMatchObject({ notFetched: 1, missing: 0, notPushed: 0 });
  });

  it('an object missing on the remote is reported with the pointer file that needs it, and the rest still arrives', () => {
    const { repo, store } = setup({ ...dataFiles(10), 'good.bin': seededBytes(5, 5000), 'lost.bin': seededBytes(6, 6000) }, ['data/images', 'good.bin', 'lost.bin']);
    dvdOk(repo, ['push']);
    const lostOid = fs.readFileSync(path.join(repo, 'lost.bin.dvd'), 'utf8').match(/sha256:([0-9a-f]{64})/)![1];
    fs.rmSync(path.join(store, 'sha256', lostOid.slice(0, 2), lostOid.slice(2)), { force: true });
    const other = clone(repo);
    const r = dvd(other, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256:${lostOid} (lost.bin.dvd)`);
    expect(r.stderr).toMatch(/not on remote share/);
    expect(fs.readFileSync(path.join(other, 'good.bin')).equals(seededBytes(5, 5000))).toBe(true);
    expect(treeHashes(path.join(other, 'data/images'))).toEqual(treeHashes(path.join(repo, 'data/images')));
    expect(fs.existsSync(path.join(other, 'lost.bin'))).toBe(false);
    expect(fs.readdirSync(path.join(other, '.dvd/tmp'))).toEqual([]);

    // A file missing inside a directory names the directory's pointer and the path in it.
    const inner = fs.readFileSync(path.join(repo, 'data/images/img0003.bin'));
    const innerOid = createHash('sha256').update(inner).digest('hex');
    fs.rmSync(path.join(store, 'sha256', innerOid.slice(0, 2), innerOid.slice(2)));
    const third = clone(repo);
    const r3 = dvd(third, ['fetch', 'data/images']);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`sha256:${innerOid} (data/images.dvd: img0003.bin)`);
  });

  it('a damaged or truncated object on the remote never enters the cache; the rest arrives', () => {
    damagedOnRemote({ flip: 7000, short: 8000, ok: 9000 }, 3500, 5000);
  });

  it('objects past the small-file size (copied in the kernel, then hashed): a damaged or truncated one never enters the cache', () => {
    const MiB = 1024 * 1024;
    damagedOnRemote({ flip: 3 * MiB, short: 2 * MiB, ok: 3 * MiB + 5 }, 2 * MiB + 17, MiB + 3);
  });

  it('push refuses objects that are not in the local cache, naming the pointer, and pushes the rest', () => {
    const { repo, store } = setup({ 'a.bin': seededBytes(1, 3000), 'b.bin': seededBytes(2, 3000) }, ['a.bin', 'b.bin']);
    const aOid = fs.readFileSync(path.join(repo, 'a.bin.dvd'), 'utf8').match(/sha256:([0-9a-f]{64})/)![1];
    const obj = path.join(repo, '.dvd/cache/sha256', aOid.slice(0, 2), aOid.slice(2));
    fs.chmodSync(path.dirname(obj), 0o755);
    fs.rmSync(obj, { force: true });
    const r = dvd(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256:${aOid} (a.bin.dvd): not in the local cache`);
    expect(storeObjects(store)).toHaveLength(1);
  });

  it('an interrupted push loses nothing and the next push sends only the rest', async () => {
    const { repo, store } = setup(dataFiles(2000), ['data/images']);
    const child = spawn(process.execPath, [DVD_BIN, 'push', '-j', '2'], { cwd: repo, stdio: 'ignore' });
    const exit = watchExit(child);
    // Kill it once some objects are up but long before all are.
    for (let i = 0; i < 400 && storeObjects(store).length < 50 && !exit.exited(); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exit.done;
    const partial = storeObjects(store);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(2001);
    // Every object that made it is whole: its name is its content's hash.
    for (const oid of partial) {
      const got = createHash('sha256').update(fs.readFileSync(path.join(store, 'sha256', oid.slice(0, 2), oid.slice(2)))).digest('hex');
      expect(got).toBe(oid);
    }
    const r = JSON.parse(dvdOk(repo, ['push', '--json']).stdout);
    expect(r.uploaded).toBe(2001 - partial.length);
    expect(storeObjects(store)).toHaveLength(2001);
    const other = clone(repo);
    dvdOk(other, ['pull']);
    expect(treeHashes(path.join(other, 'data/images'))).toEqual(treeHashes(path.join(repo, 'data/images')));
  });

  it('relative folder paths and file:// urls resolve against the repository root', () => {
    const { repo } = setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    const rel = tempDir('dvd-rel-');
    cleanup.push(rel);
    dvdOk(repo, ['remote', 'add', 'rel', path.relative(repo, rel)]);
    dvdOk(path.join(repo, '.dvd'), ['push', '-r', 'rel']);
    expect(storeObjects(rel)).toHaveLength(1);
    const f = tempDir('dvd-fileurl-');
    cleanup.push(f);
    dvdOk(repo, ['remote', 'add', 'furl', `file://${f}`]);
    dvdOk(repo, ['push', '-r', 'furl']);
    expect(storeObjects(f)).toHaveLength(1);
  });

  it('a remote folder that does not exist is a clear error', () => {
    const { repo } = setup({ 'a.bin': seededBytes(1, 100) }, ['a.bin']);
    dvdOk(repo, ['remote', 'add', 'gone', '/nonexistent/dvd-store']);
    const r = dvd(repo, ['push', '-r', 'gone']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/folder \/nonexistent\/dvd-store does not exist/);
  });
});
