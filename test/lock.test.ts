import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, PROJECT, tempDir, tempRepo, writeFiles } from './helpers.js';

const RACER = path.join(PROJECT, 'test', 'lockRacer.mjs');

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

interface Outcome {
  won: number[];
  lost: string[];
}

/**
 * Start `n` processes that all wait for one signal, then race for the lock of `root`.
 * Winners keep the lock until every loser has given up, so two winners would both be
 * counted; nothing here depends on how fast the machine is.
 */
async function race(root: string, n: number, waitMs: number): Promise<Outcome> {
  const go = path.join(tempDir('dvd-race-'), 'go');
  const outs: string[] = Array(n).fill('');
  const kids: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  // Settled once the racer has won (it then holds the lock) or has exited (it lost).
  const decided: Promise<void>[] = [];
  const exited: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const kid = spawn(process.execPath, [RACER, root, go], { env: { ...process.env, DVD_LOCK_WAIT_MS: String(waitMs) }, stdio: ['pipe', 'pipe', 'inherit'] });
    kids.push(kid);
    const seen = (text: string) => new Promise<void>((resolve) => kid.stdout!.on('data', () => outs[i].includes(text) && resolve()));
    kid.stdout!.on('data', (c: Buffer) => (outs[i] += c.toString()));
    const exit = new Promise<void>((resolve) => kid.on('exit', () => resolve()));
    ready.push(seen('ready\n'));
    decided.push(Promise.race([seen('won '), exit]));
    exited.push(exit);
  }
  await Promise.all(ready);
  fs.writeFileSync(go, '');
  await Promise.all(decided);
  const won = outs.filter((o) => o.includes('won ')).map((o) => Number(/won (\d+)/.exec(o)![1]));
  const lost = outs.filter((o) => o.includes('lost ')).map((o) => o.slice(o.indexOf('lost ')));
  for (const k of kids) k.stdin!.end();
  await Promise.all(exited);
  return { won, lost };
}

describe('repository lock', () => {
  it('lets exactly one of many processes take over a lock whose holder is gone', async () => {
    const root = tempRepo();
    const lockFile = path.join(root, '.dvd/state.lock');
    for (let round = 0; round < 3; round++) {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: deadPid(), command: 'add' }));
      const r = await race(root, 12, 1500);
      expect(r.won, `round ${round}: ${JSON.stringify(r)}`).toHaveLength(1);
      expect(r.lost).toHaveLength(11);
      for (const l of r.lost) expect(l).toContain(`ELOCKED: another dvd process (pid ${r.won[0]}: dvd race)`);
      expect(fs.existsSync(lockFile)).toBe(false);
    }
  });

  for (const [what, content] of [
    ['zero-byte', ''],
    ['garbled', '{"pid": 12'],
    ['pid-less', '{"command":"add"}'],
  ] as const) {
    it(`takes over a ${what} lock after the wait, with exactly one winner`, async () => {
      const root = tempRepo();
      const lockFile = path.join(root, '.dvd/state.lock');
      fs.writeFileSync(lockFile, content);
      const r = await race(root, 8, 800);
      expect(r.won, JSON.stringify(r)).toHaveLength(1);
      expect(r.lost).toHaveLength(7);
      expect(fs.existsSync(lockFile)).toBe(false);
    });
  }

  it('a command waits for a live holder, then fails naming its pid; a zero-byte lock does not block it', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'a.txt': 'a' });
    const lockFile = path.join(repo, '.dvd/state.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, command: 'checkout' }));
    const blocked = dvd(repo, ['add', 'a.txt'], { env: { DVD_LOCK_WAIT_MS: '300' } });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`pid ${process.pid}: dvd checkout`);
    fs.writeFileSync(lockFile, '');
    dvdOk(repo, ['add', 'a.txt'], { env: { DVD_LOCK_WAIT_MS: '300' } });
    expect(fs.existsSync(path.join(repo, 'a.txt.dvd'))).toBe(true);
    expect(fs.existsSync(lockFile)).toBe(false);
    // No leftovers of the lock's own temp files.
    expect(fs.readdirSync(path.join(repo, '.dvd')).filter((f) => f.startsWith('state.lock'))).toEqual([]);
  });

  it('taken and released many times in one process, it leaves no exit listener behind (repro commits each stage under it)', () => {
    const repo = tempRepo();
    const dist = (m: string) => JSON.stringify(pathToFileURL(path.join(PROJECT, 'dist', m)).href);
    const script = `
      import fs from 'node:fs';
      import { acquireLock } from ${dist('core/lock.js')};
      import { repoAt } from ${dist('core/repo.js')};
      const repo = repoAt(process.argv[1]);
      const before = process.listenerCount('exit');
      for (let i = 0; i < 20; i++) (await acquireLock(repo, 'stage')).release();
      const outer = await acquireLock(repo, 'outer');
      for (let i = 0; i < 20; i++) (await acquireLock(repo, 'inner')).release();
      const held = process.listenerCount('exit') - before;
      outer.release();
      process.stdout.write(JSON.stringify({ held, after: process.listenerCount('exit') - before, lock: fs.existsSync(repo.lockFile) }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, repo], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(JSON.parse(r.stdout)).toEqual({ held: 1, after: 0, lock: false });
  });
});
