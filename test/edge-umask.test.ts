import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, git, seededBytes, tempRepo, writeFiles, type RunResult } from './helpers.js';

// Issue 9 B10: every file dvd creates in the workspace gets 0666 (0777 when executable)
// masked by the process umask, as git does: umask 077 gives 0600/0700, umask 002 gives
// 0664/0775.

/** dvd run under a real umask (a shell sets it, as a user's login does). */
function dvdUmask(mask: string, cwd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync('sh', ['-c', 'umask "$0" && exec "$@"', mask, process.execPath, DVD_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none'), ...env },
  });
  if (r.status !== 0) throw new Error(`dvd ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mode = (f: string) => fs.statSync(f).mode & 0o777;

for (const [mask, plain, exec] of [['077', 0o600, 0o700], ['002', 0o664, 0o775]] as const) {
  describe(`umask ${mask}: files dvd writes into the workspace`, () => {
    for (const workers of ['0', '2']) {
      it(`checkout by copy (DVD_WORKERS=${workers}): ${plain.toString(8)} for files, ${exec.toString(8)} for executables, small and large, folders and single files`, () => {
        const repo = tempRepo();
        const files: Record<string, string | Buffer> = { 'model.bin': 'weights', 'data/big.bin': seededBytes(1, 3 * 1024 * 1024), 'data/run.sh': '#!/bin/sh\n' };
        for (let i = 0; i < 150; i++) files[`data/d${i % 5}/f${i}`] = `file ${i}`;
        writeFiles(repo, files);
        fs.chmodSync(path.join(repo, 'data/run.sh'), 0o755);
        const env = { DVD_WORKERS: workers };
        dvdUmask(mask, repo, ['add', 'data', 'model.bin'], env);
        // Files dvd writes for Git follow the umask too.
        expect(mode(path.join(repo, 'data.dvd'))).toBe(plain);
        expect(mode(path.join(repo, '.gitignore'))).toBe(plain);
        fs.rmSync(path.join(repo, 'data'), { recursive: true });
        fs.rmSync(path.join(repo, 'model.bin'));
        dvdUmask(mask, repo, ['checkout'], env);
        expect(mode(path.join(repo, 'model.bin'))).toBe(plain);
        expect(mode(path.join(repo, 'data/d3/f8'))).toBe(plain);
        expect(mode(path.join(repo, 'data/big.bin'))).toBe(plain);
        expect(mode(path.join(repo, 'data/run.sh'))).toBe(exec);
        expect(mode(path.join(repo, 'data/d3'))).toBe(exec); // folders: 0777 masked
      });
    }

    it('an executable bit that changes between versions is set with the umask', () => {
      const repo = tempRepo();
      writeFiles(repo, { 'data/tool': '#!/bin/sh\n' });
      dvdUmask(mask, repo, ['add', 'data']);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'v1');
      fs.chmodSync(path.join(repo, 'data/tool'), 0o755);
      dvdUmask(mask, repo, ['commit']);
      git(repo, 'commit', '-qam', 'v2');
      git(repo, 'checkout', '-q', 'HEAD~1');
      dvdUmask(mask, repo, ['checkout']);
      expect(mode(path.join(repo, 'data/tool'))).toBe(plain);
      git(repo, 'checkout', '-q', 'main');
      dvdUmask(mask, repo, ['checkout']);
      expect(mode(path.join(repo, 'data/tool'))).toBe(exec);
    });

    it('untrack of hardlinked files and get of a folder follow the umask', () => {
      const repo = tempRepo();
      fs.appendFileSync(path.join(repo, '.dvd/config'), '[cache]\n\ttype = hardlink\n');
      writeFiles(repo, { 'data/a': 'A', 'data/x.sh': '#!/bin/sh\n', 'm.bin': 'M' });
      fs.chmodSync(path.join(repo, 'data/x.sh'), 0o755);
      dvdUmask(mask, repo, ['add', 'data', 'm.bin']);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'v1');
      const out = path.join(repo, 'copy');
      dvdUmask(mask, repo, ['get', repo, 'data', '-o', out]);
      expect(mode(path.join(out, 'a'))).toBe(plain);
      expect(mode(path.join(out, 'x.sh'))).toBe(exec);
      dvdUmask(mask, repo, ['get', repo, 'm.bin', '-o', path.join(repo, 'm2.bin')]);
      expect(mode(path.join(repo, 'm2.bin'))).toBe(plain);
      dvdUmask(mask, repo, ['untrack', 'data', 'm.bin']);
      expect(mode(path.join(repo, 'data/a'))).toBe(plain);
      expect(mode(path.join(repo, 'data/x.sh'))).toBe(exec);
      expect(mode(path.join(repo, 'm.bin'))).toBe(plain);
      expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('A');
    });
  });
}
