import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, removedAfterEach, tempRepo } from './helpers.js';

// `dvd ... | head`: the reader leaves after one line while dvd still has ~900 KB to write,
// far past a pipe's 64 KiB buffer, so dvd's later writes fail with EPIPE whatever the
// timing. dvd must then exit at once and silently, as git does (killed by SIGPIPE: a
// shell reports 141), not die with "Unhandled 'error' event" and a stack trace.

const track = removedAfterEach();

/** A repository whose config.local names 20,000 remotes: `remote list` and `config --list` print a lot. */
function bigConfig(): string {
  const repo = track(tempRepo());
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(`[remote "r${i}"]`, `\turl = /srv/store-${i}`);
  fs.writeFileSync(path.join(repo, '.dvd', 'config.local'), `${lines.join('\n')}\n`);
  return repo;
}

/** `dvd ARGS REDIRECT | head -n 1` under pipefail: the status is dvd's. */
function intoHead(cwd: string, args: string, redirect = '') {
  const script = `'${process.execPath}' '${DVD_BIN}' ${args} ${redirect} | head -n 1`;
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: path.join(cwd, '.no-user-config') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('output into a pipe that closes early', () => {
  it('exits 141 without a word, for text, JSON, and stderr in the pipe too', () => {
    const repo = bigConfig();
    const list = intoHead(repo, 'remote list');
    expect(list).toEqual({ code: 141, stdout: '  r0\t/srv/store-0\n', stderr: '' });
    const json = intoHead(repo, 'remote list --json');
    expect(json).toEqual({ code: 141, stdout: '[\n', stderr: '' });
    const both = intoHead(repo, 'config --list', '2>&1');
    expect(both).toEqual({ code: 141, stdout: 'remote.r0.url=/srv/store-0\n', stderr: '' });
    // The whole output, when someone reads it, is still there.
    const all = spawnSync(process.execPath, [DVD_BIN, 'remote', 'list'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(all.status).toBe(0);
    expect(all.stdout.split('\n').length).toBe(20_001);
  });
});
