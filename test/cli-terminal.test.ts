import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DVD_BIN, PROJECT, dvdOk, tempRepo, writeFiles, removedAfterEach } from './helpers.js';

// Issue 11, item 9: a progress bar hides the terminal's cursor; Ctrl-C, SIGTERM or an
// error in the middle must still give it back. dvd runs on a real pseudo-terminal
// (python3's pty module, test/ptyRun.py) and downloads from an S3 endpoint that sends a
// body slowly and never finishes, so the bar is up when the signal comes.

const HIDE = '\x1b[?25l';
const SHOW = '\x1b[?25h';

let server: http.Server;
let endpoint = '';
let mode: 'trickle' | 'reset' = 'trickle';
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    // 64 MiB announced, 4 KiB every 50 ms: the bar keeps moving and the download never
    // ends ('trickle'), or the connection is cut after 2 s ('reset': a failed download).
    res.writeHead(200, { 'content-length': String(64 * 1024 * 1024), etag: '"x"', 'content-type': 'application/octet-stream' });
    open.add(res);
    let chunks = 0;
    const timer = setInterval(() => {
      if (mode === 'reset' && ++chunks > 40) res.destroy();
      else res.write(Buffer.alloc(4096, 7));
    }, 50);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const cleanup = removedAfterEach();

/** A repo whose one tracked file is not in the cache, with the slow endpoint as its remote. */
function repoWithSlowRemote(): string {
  const r = tempRepo();
  cleanup(r);
  writeFiles(r, { 'big.bin': 'not the real bytes' });
  dvdOk(r, ['add', 'big.bin']);
  fs.rmSync(path.join(r, '.dvd/cache'), { recursive: true });
  fs.rmSync(path.join(r, 'big.bin'));
  dvdOk(r, ['remote', 'add', '-d', 'slow', 's3://bucket/prefix']);
  dvdOk(r, ['remote', 'modify', 'slow', 'endpoint', endpoint]);
  dvdOk(r, ['remote', 'modify', 'slow', 'path_style', 'true']);
  dvdOk(r, ['remote', 'modify', '--local', 'slow', 'access_key_id', 'K']);
  dvdOk(r, ['remote', 'modify', '--local', 'slow', 'secret_access_key', 'S']);
  return r;
}

interface PtyResult {
  exit: number | null;
  signal: number | null;
  acted: boolean;
  output: string;
}

/** Run dvd on a pseudo-terminal; `action` happens once the cursor is hidden. */
function onPty(cwd: string, action: 'ctrl-c' | 'sigterm' | 'none', args: string[]): Promise<PtyResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', XDG_CONFIG_HOME: path.join(cwd, '.no-user-config'), DVD_RETRIES: '0' };
  // Bars are off under CI (the suite runs with CI=true there); this test is about the terminal.
  delete env.CI;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(PROJECT, 'test/ptyRun.py'), action, '120', '--', process.execPath, DVD_BIN, ...args], { cwd, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', reject);
    child.on('close', () => {
      const r = JSON.parse(out);
      resolve({ ...r, output: Buffer.from(r.output, 'base64').toString('latin1') });
    });
  });
}

/** The cursor is visible at the end: no hide without a show after it. */
function cursorVisibleAtEnd(output: string): boolean {
  return output.lastIndexOf(HIDE) < output.lastIndexOf(SHOW) || !output.includes(HIDE);
}

describe('the terminal after a progress bar', { timeout: 180_000 }, () => {
  it('Ctrl-C during a download shows the cursor again', async () => {
    mode = 'trickle';
    const r = repoWithSlowRemote();
    const res = await onPty(r, 'ctrl-c', ['fetch']);
    expect(res.acted, res.output).toBe(true); // the bar was up and hid the cursor
    expect(res.signal ?? res.exit).not.toBe(0);
    expect(cursorVisibleAtEnd(res.output), JSON.stringify(res.output.slice(-300))).toBe(true);
  });

  it('SIGTERM during a download shows the cursor again', async () => {
    mode = 'trickle';
    const r = repoWithSlowRemote();
    const res = await onPty(r, 'sigterm', ['pull']);
    expect(res.acted).toBe(true);
    expect(res.signal).toBe(15);
    expect(cursorVisibleAtEnd(res.output), JSON.stringify(res.output.slice(-300))).toBe(true);
  });

  it('an error while the bar is up ends with the cursor shown and the message on its own line', async () => {
    mode = 'reset';
    const r = repoWithSlowRemote();
    const res = await onPty(r, 'none', ['fetch']);
    expect(res.exit).toBe(1);
    expect(res.output).toContain(HIDE);
    // The bar is stopped (its line cleared) before the error is printed.
    const hidden = res.output.lastIndexOf(HIDE);
    const shown = res.output.indexOf(SHOW, hidden);
    expect(shown).toBeGreaterThan(hidden);
    expect(res.output.indexOf('error: ', hidden)).toBeGreaterThan(shown);
    expect(cursorVisibleAtEnd(res.output)).toBe(true);
  });
});
