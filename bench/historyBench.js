// Times the history commands on the two workloads of issue 4, in temp folders it removes
// afterwards:
//   1. `dvd diff A B` between two versions of a 20,000-file dataset (200 modified,
//      100 deleted, 100 added, 50 renamed), and `dvd diff` (HEAD vs workspace).
//   2. `dvd gc --all-commits` and a no-op `dvd push --all-commits` on a 1,000-commit
//      history with 50 pointer files (bench/makeHistory.js), with the git binary's
//      cat-file reader and with isomorphic-git only.
// Usage: node bench/historyBench.js [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DVD = path.join(here, '..', 'bin', 'dvd.js');
const keep = process.argv.includes('--keep');
const env = { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_COMMITTER_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_EMAIL: 'b@e' };
const sh = (cwd, cmd, args) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 }).toString();
const time = (label, cwd, args, extraEnv = {}) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [DVD, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`dvd ${args.join(' ')}: ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop();
  console.log(`${label.padEnd(58)} ${s.toFixed(2)} s   ${last.slice(0, 80)}`);
  return s;
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dvd-history-bench-'));
try {
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  // 1. 20,000-file dataset, two versions.
  const ds = path.join(root, 'dataset');
  fs.mkdirSync(ds);
  sh(ds, 'git', ['init', '-q', '-b', 'main']);
  sh(ds, process.execPath, [DVD, 'init', '-q']);
  const file = (i) => path.join(ds, 'data', `d${String(i % 100).padStart(3, '0')}`, `f${String(i).padStart(5, '0')}.bin`);
  for (let i = 0; i < 20000; i++) {
    fs.mkdirSync(path.dirname(file(i)), { recursive: true });
    fs.writeFileSync(file(i), randomBytes(10240));
  }
  sh(ds, process.execPath, [DVD, 'add', '-q', 'data']);
  sh(ds, 'git', ['add', '-A']);
  sh(ds, 'git', ['commit', '-q', '-m', 'v1']);
  for (let i = 0; i < 20000; i += 100) fs.writeFileSync(file(i), randomBytes(10240));
  for (let i = 1; i < 20000; i += 200) fs.rmSync(file(i));
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(ds, 'data', `d${String(i).padStart(3, '0')}`, `new${i}.bin`), randomBytes(4096));
  for (let i = 3; i < 20000; i += 400) fs.renameSync(file(i), path.join(path.dirname(file(i)), `renamed${i}.bin`));
  time('dvd diff  (HEAD vs workspace, 350 files to hash)', ds, ['diff']);
  time('dvd diff  (HEAD vs workspace, stat cache warm)', ds, ['diff']);
  sh(ds, process.execPath, [DVD, 'commit', '-q']);
  sh(ds, 'git', ['commit', '-q', '-a', '-m', 'v2']);
  for (let i = 0; i < 3; i++) time('dvd diff HEAD~1 HEAD  (20,000 files, two revisions)', ds, ['diff', 'HEAD~1', 'HEAD']);
  time('dvd ls --rev HEAD~1 -R', ds, ['ls', '--rev', 'HEAD~1', '-R']);

  // 2. 1,000 commits x 50 pointers, cache filled plus 1,000 unreferenced objects.
  const hist = path.join(root, 'history');
  sh(here, process.execPath, [path.join(here, 'makeHistory.js'), hist, '1000', '50', '--objects']);
  const store = path.join(root, 'store');
  fs.mkdirSync(store);
  sh(hist, process.execPath, [DVD, 'remote', 'add', '-d', 'store', store]);
  time('dvd push --all-commits  (1,000 commits, 1,049 objects)', hist, ['push', '--all-commits']);
  time('dvd push --all-commits  (no-op)', hist, ['push', '--all-commits']);
  time('dvd gc --all-commits --dry-run', hist, ['gc', '--all-commits', '--dry-run']);
  // -f: the 1,000 unreferenced objects are on no remote, so gc would otherwise ask.
  time('dvd gc --all-commits -f  (removes 1,000)', hist, ['gc', '--all-commits', '-f']);
  time('dvd gc --all-commits  (nothing to remove)', hist, ['gc', '--all-commits']);
  time('dvd gc --all-commits  (isomorphic-git only)', hist, ['gc', '--all-commits'], { DVD_NO_GIT_BINARY: '1' });
  time('dvd gc --all-commits -r store -f', hist, ['gc', '--all-commits', '-r', 'store', '-f']);
  time('dvd ls --rev HEAD~500 -R', hist, ['ls', '--rev', 'HEAD~500', '-R']);
} finally {
  if (keep) console.log(`kept ${root}`);
  else fs.rmSync(root, { recursive: true, force: true });
}
