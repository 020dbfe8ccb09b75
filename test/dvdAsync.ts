import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { DVD_BIN, type RunResult } from './helpers.js';

// Tests whose fault proxy lives in the test process must run dvd asynchronously:
// spawnSync would block the event loop that serves the proxy (a deadlock).
export function dvdAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 50_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DVD_BIN, ...args], {
      cwd,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function dvdAsyncOk(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs?: number): Promise<RunResult> {
  const r = await dvdAsync(cwd, args, env, timeoutMs);
  if (r.code !== 0) throw new Error(`dvd ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
