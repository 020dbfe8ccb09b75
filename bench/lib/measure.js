// Timing of one command: wall time from spawn to exit (hrtime), peak RSS of the command's
// process from GNU time's %M (the child's ru_maxrss, so for dvd it is the node process).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RSS_FILE = path.join(os.tmpdir(), `dvd-bench-rss-${process.pid}`);

export function removeRssFile() {
  fs.rmSync(RSS_FILE, { force: true });
}

export function hasGnuTime() {
  return spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
}

/** Run a command once, timed. Resolves {seconds, rssMB, code, stderr}. */
export function timeCommand(cmd, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', RSS_FILE, cmd, ...args], {
      cwd, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      let rssMB = null;
      try {
        const lines = fs.readFileSync(RSS_FILE, 'utf8').trim().split('\n');
        rssMB = Number(lines[lines.length - 1]) / 1024;
      } catch {
        // no RSS figure: leave null
      }
      resolve({ seconds, rssMB, code, stderr });
    });
  });
}

/** Untimed helper step; throws with the command's stderr on failure. */
export function sh(cmd, args, { cwd, env, allowFail = false, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: env ?? process.env, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd ?? '.'}) exited ${r.status}: ${(r.stderr || r.error || '').toString().slice(0, 2000)}`);
  }
  return r;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Drop the page cache (needs root); returns false where the kernel refuses. */
export function dropCaches() {
  spawnSync('sync');
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}
