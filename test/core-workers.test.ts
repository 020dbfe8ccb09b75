import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, dvd, dvdOk, seededBytes, tempRepo, tinyTmpfs, treeHashes, watchExit, writeFiles } from './helpers.js';

// Big adds and checkouts run their per-file work on worker threads (src/core/filePool.ts).
// DVD_WORKERS forces the thread count, so the same data goes through both paths here.
const WORKERS = { env: { DVD_WORKERS: '2' } };
const INLINE = { env: { DVD_WORKERS: '0' } };
const MiB = 1024 * 1024;

/** Sizes around the small-file limit (1 MiB) and duplicates, so every code path runs. */
function dataset(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 300; i++) files[`data/d${i % 7}/f${i}.bin`] = seededBytes(i, (i * 977) % 5000);
  files['data/empty'] = Buffer.alloc(0);
  files['data/dup-a'] = seededBytes(9999, 4000);
  files['data/dup-b'] = seededBytes(9999, 4000);
  files['data/limit'] = seededBytes(1, MiB);
  files['data/limit+1'] = seededBytes(2, MiB + 1);
  files['data/big'] = seededBytes(3, 9 * MiB + 123);
  return files;
}

function cacheObjects(repo: string): Record<string, string> {
  const root = path.join(repo, '.dvd/cache/sha256');
  const out: Record<string, string> = {};
  for (const fan of fs.readdirSync(root)) {
    for (const rest of fs.readdirSync(path.join(root, fan))) {
      const bytes = fs.readFileSync(path.join(root, fan, rest));
      out[fan + rest] = createHash('sha256').update(bytes).digest('hex');
    }
  }
  return out;
}

describe('worker threads', () => {
  it('add and checkout give the same pointer, objects and files on threads as inline', () => {
    const files = dataset();
    const threaded = tempRepo();
    const inline = tempRepo();
    writeFiles(threaded, files);
    writeFiles(inline, files);
    fs.chmodSync(path.join(threaded, 'data/d1/f1.bin'), 0o755);
    fs.chmodSync(path.join(inline, 'data/d1/f1.bin'), 0o755);
    const want = treeHashes(path.join(threaded, 'data'));

    dvdOk(threaded, ['add', 'data'], WORKERS);
    dvdOk(inline, ['add', 'data'], INLINE);
    const pointer = fs.readFileSync(path.join(threaded, 'data.dvd'), 'utf8');
    expect(pointer).toBe(fs.readFileSync(path.join(inline, 'data.dvd'), 'utf8'));
    expect(pointer).toMatch(/files: 306\n/);
    // Every object is named by its own hash, and both caches hold the same ones.
    const objects = cacheObjects(threaded);
    for (const [name, hash] of Object.entries(objects)) expect(hash).toBe(name);
    expect(Object.keys(objects).sort()).toEqual(Object.keys(cacheObjects(inline)).sort());
    expect(fs.readdirSync(path.join(threaded, '.dvd/tmp'))).toEqual([]);
    // The stat cache was filled from the threads' results: status hashes nothing.
    expect(dvdOk(threaded, ['status'], WORKERS).stdout).toMatch(/up to date/);

    fs.rmSync(path.join(threaded, 'data'), { recursive: true });
    dvdOk(threaded, ['checkout'], WORKERS);
    expect(treeHashes(path.join(threaded, 'data'))).toEqual(want);
    expect(fs.statSync(path.join(threaded, 'data/d1/f1.bin')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(threaded, 'data/d1/f8.bin')).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(path.join(threaded, 'data/d3')).filter((n) => n.includes('dvd-tmp'))).toEqual([]);
    expect(dvdOk(threaded, ['status'], WORKERS).stdout).toMatch(/up to date/);
  });

  it('checkout on threads replaces changed files and an empty folder where a file goes', () => {
    const repo = tempRepo();
    writeFiles(repo, dataset());
    dvdOk(repo, ['add', 'data'], WORKERS);
    const want = treeHashes(path.join(repo, 'data'));
    for (let i = 0; i < 300; i += 3) fs.writeFileSync(path.join(repo, `data/d${i % 7}/f${i}.bin`), `edited ${i}`);
    fs.rmSync(path.join(repo, 'data/d2/f2.bin'));
    fs.mkdirSync(path.join(repo, 'data/d2/f2.bin'));
    dvdOk(repo, ['checkout', '--force'], WORKERS);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(want);
  });

  it('hardlink cache type: threads only hash, and workspace files become the objects', () => {
    const repo = tempRepo();
    fs.appendFileSync(path.join(repo, '.dvd/config'), '[cache]\n\ttype = hardlink\n');
    const files = dataset();
    writeFiles(repo, files);
    const want = treeHashes(path.join(repo, 'data'));
    dvdOk(repo, ['add', 'data'], WORKERS);
    const oid = createHash('sha256').update(files['data/big']).digest('hex');
    const object = path.join(repo, '.dvd/cache/sha256', oid.slice(0, 2), oid.slice(2));
    expect(fs.statSync(path.join(repo, 'data/big')).ino).toBe(fs.statSync(object).ino);
    for (const [name, hash] of Object.entries(cacheObjects(repo))) expect(hash).toBe(name);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(want);
  });
});

describe('interrupted checkout', () => {
  it('temp files left by a killed checkout are not data: status and add skip them, checkout removes them', async () => {
    const repo = tempRepo();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 2000; i++) files[`data/d${i % 10}/f${i}.bin`] = seededBytes(i, 20_000);
    writeFiles(repo, files);
    const want = treeHashes(path.join(repo, 'data'));
    dvdOk(repo, ['add', 'data']);
    const pointer = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    // Ctrl-C in the middle of a threaded checkout (wherever it lands).
    const child = spawn(process.execPath, [DVD_BIN, 'checkout'], { cwd: repo, stdio: 'ignore', env: { ...process.env, ...WORKERS.env } });
    const exit = watchExit(child); // a checkout done within the 400 ms has exited already
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGINT');
    await exit.done;
    // And, for certain, one leftover of the kind a kill leaves beside its destination.
    fs.mkdirSync(path.join(repo, 'data/d3'), { recursive: true });
    const leftover = path.join(repo, 'data/d3/.f3.bin.dvd-tmp-4242-1-17');
    fs.writeFileSync(leftover, 'half a file');

    const st = dvd(repo, ['status']);
    expect(st.stdout).not.toMatch(/added|dvd-tmp/);
    dvdOk(repo, ['checkout'], WORKERS);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(want); // no dvd-tmp file either
    expect(dvdOk(repo, ['status']).stdout).toMatch(/up to date/);
    // add of the same tree gives the same pointer (nothing extra stored).
    fs.writeFileSync(leftover, 'half a file');
    dvdOk(repo, ['add', 'data']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toBe(pointer);
  });
});

describe('worker threads on a full disk', () => {
  const { mnt, mounted } = tinyTmpfs('512k');

  it.skipIf(!mounted)('a thread that hits ENOSPC fails the add cleanly: clear error, no pointer, no temp files', () => {
    const repo = tempRepo();
    fs.appendFileSync(path.join(repo, '.dvd/config'), `[cache]\n\tdir = ${mnt}\n`);
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 200; i++) files[`data/f${i}`] = seededBytes(i, 16 * 1024);
    writeFiles(repo, files);
    const before = treeHashes(path.join(repo, 'data'));
    const r = dvd(repo, ['add', 'data'], WORKERS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: add .*data\/f\d+: no space left on device/m);
    expect(treeHashes(path.join(repo, 'data'))).toEqual(before);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
    expect(fs.readdirSync(path.join(mnt, 'tmp'))).toEqual([]);
  });
});
