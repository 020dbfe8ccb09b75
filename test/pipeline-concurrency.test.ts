import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvdAsync } from './dvdAsync.js';
import { DVD_BIN, dvdOk, watchExit } from './helpers.js';
import { pipelineRepo, read } from './pipelineHelpers.js';

// meet.cjs NAME OTHER: stamps its start, waits until OTHER has started too (a handshake,
// so the test proves overlap without any wall-clock bound: run one after the other, the
// first would give up and fail), then stamps its end. `.cjs`: a package.json with
// "type": "module" above the temp folder (one appeared in /tmp on this shared machine)
// would make a `.js` file ESM, where `require` fails.
const MEET = `const fs = require('fs');
const [me, other] = process.argv.slice(2);
const now = () => String(process.hrtime.bigint());
fs.mkdirSync('stamps', { recursive: true });
fs.writeFileSync('stamps/' + me + '.start', now());
const until = Date.now() + 60000;
while (!fs.existsSync('stamps/' + other + '.start')) {
  if (Date.now() > until) { console.error(me + ': ' + other + ' never started'); process.exit(9); }
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
fs.writeFileSync(me + '.txt', me + '\\n');
fs.writeFileSync('stamps/' + me + '.end', now());
console.log(me + ' done');
`;
const TWO = `stages:
  a:
    cmd: node meet.cjs a b
    deps: [meet.cjs]
    outs: [a.txt]
  b:
    cmd: node meet.cjs b a
    deps: [meet.cjs]
    outs: [b.txt]
`;
const stamp = (repo: string, f: string) => BigInt(read(repo, `stamps/${f}`));

describe('stages at the same time', () => {
  it('-j 2 runs two independent stages at once (their start/end stamps overlap), output prefixed with the stage', () => {
    const repo = pipelineRepo(TWO, { 'meet.cjs': MEET });
    const r = dvdOk(repo, ['repro', '-j', '2']);
    expect(stamp(repo, 'a.start') < stamp(repo, 'b.end')).toBe(true);
    expect(stamp(repo, 'b.start') < stamp(repo, 'a.end')).toBe(true);
    expect(r.stdout).toContain('[a] a done\n');
    expect(r.stdout).toContain('[b] b done\n');
    expect(read(repo, 'dvd.lock')).toMatch(/ {2}a:\n[\s\S]* {2}b:\n/);
  });

  it('two dvd repro processes on disjoint stages both succeed: the lock is not held while a command runs', async () => {
    const repo = pipelineRepo(TWO, { 'meet.cjs': MEET });
    const [ra, rb] = await Promise.all([dvdAsync(repo, ['repro', 'a']), dvdAsync(repo, ['repro', 'b'])]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(stamp(repo, 'a.start') < stamp(repo, 'b.end') && stamp(repo, 'b.start') < stamp(repo, 'a.end')).toBe(true);
    // Both entries survive: each process rewrote dvd.lock under the lock, keeping the other's.
    const lock = read(repo, 'dvd.lock');
    expect(lock).toContain('  a:\n    cmd: node meet.cjs a b\n');
    expect(lock).toContain('  b:\n    cmd: node meet.cjs b a\n');
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');
  });
});

function alive(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(st);
  } catch {
    return false;
  }
}

describe('Ctrl-C', () => {
  it('kills the running commands (their process groups) and commits nothing', async () => {
    const repo = pipelineRepo(`stages:
  slow:
    cmd: echo started > out.txt && sleep 120 & echo $! > sleep.pid; wait
    outs: [out.txt]
`);
    const child = spawn(process.execPath, [DVD_BIN, 'repro'], { cwd: repo, env: { ...process.env, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none') } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = watchExit(child);
    const pidFile = path.join(repo, 'sleep.pid');
    // Stops if dvd exits first, so its exit code and stderr show instead of a timeout.
    while ((!fs.existsSync(pidFile) || read(repo, 'sleep.pid').trim() === '') && !exit.exited()) await new Promise((r) => setTimeout(r, 50));
    expect(exit.exited(), `dvd exited before the stage started:\n${stderr}`).toBe(false);
    const sleepPid = Number(read(repo, 'sleep.pid'));
    expect(alive(sleepPid)).toBe(true);
    child.kill('SIGINT'); // to dvd only, as a terminal would not reach the command's own group
    const code = await exit.done;
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted (SIGINT)');
    for (let i = 0; i < 100 && alive(sleepPid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(sleepPid)).toBe(false);
    expect(fs.existsSync(path.join(repo, 'dvd.lock'))).toBe(false);
    expect(fs.existsSync(path.join(repo, '.dvd/cache/runs'))).toBe(false);
    expect(fs.existsSync(path.join(repo, '.dvd/state.lock'))).toBe(false);
  });
});
