import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DVD_BIN, dvd, dvdOk, tempDir, tempRepo } from './helpers.js';

// Issue 11, item 7: `dvd completion bash|zsh|fish`, loaded into the real shells, and
// typo suggestions that point at the right command.

let dir: string;
let repo: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = tempDir('dvd-completion-');
  fs.writeFileSync(path.join(dir, 'dvd'), `#!/bin/sh\nexec "${process.execPath}" "${DVD_BIN}" "$@"\n`, { mode: 0o755 });
  for (const shell of ['bash', 'zsh', 'fish']) fs.writeFileSync(path.join(dir, `dvd.${shell}`), dvdOk(dir, ['completion', shell]).stdout);
  env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, XDG_CONFIG_HOME: path.join(dir, 'xdg') };
  repo = tempRepo();
  dvdOk(repo, ['remote', 'add', 'storage', 's3://bkt/p']);
  dvdOk(repo, ['remote', 'add', 'share', '/mnt/share']);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(repo, { recursive: true, force: true });
});

/** What bash completes for `line` (the cursor at its end). */
function bash(line: string): string[] {
  const words = line.split(' ');
  const script = `source ${dir}/dvd.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dvd; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { cwd: repo, encoding: 'utf8', env });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** What fish completes for `line`. */
function fish(line: string): string[] {
  const r = spawnSync('fish', ['-c', `source ${dir}/dvd.fish; complete -C '${line}'`], { cwd: repo, encoding: 'utf8', env });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort();
}

/** The words zsh's _dvd offers for `line` (compadd and _files stubbed to print them; compsys filters by PREFIX itself). */
function zsh(line: string): string[] {
  const words = line.split(' ');
  const script = `compadd() { shift; print -l -- "$@"; }; _files() { print -- FILES; }; compdef() {}; source ${dir}/dvd.zsh; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; PREFIX='${words[words.length - 1]}'; _dvd`;
  const r = spawnSync('zsh', ['-c', script], { cwd: repo, encoding: 'utf8', env });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).filter((w) => w.startsWith(words[words.length - 1]) || w === 'FILES').sort();
}

describe('dvd completion', { timeout: 120_000 }, () => {
  for (const [name, complete] of [['bash', bash], ['zsh', zsh], ['fish', fish]] as const) {
    it(`${name}: commands, subcommands, options, config keys and remote names`, () => {
      expect(complete('dvd re')).toEqual(['remote', 'remove', 'repro']);
      expect(complete('dvd artifact re')).toEqual(['register']);
      expect(complete('dvd im')).toEqual(['import', 'import-url']);
      expect(complete('dvd remote re')).toEqual(['remove', 'rename']);
      expect(complete('dvd add --gl')).toEqual(['--glob']);
      expect(complete('dvd push --all-')).toEqual(['--all-branches', '--all-commits', '--all-tags']);
      expect(complete('dvd config cache.')).toEqual(['cache.dir', 'cache.type']);
      if (name !== 'fish') expect(complete('dvd push -r s')).toEqual(['share', 'storage']);
      // Hidden commands stay hidden.
      expect(complete('dvd merge')).toEqual([]);
    });
  }

  it('an unknown shell is a usage error', () => {
    const r = dvd(dir, ['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown shell "powershell"');
  });
});

describe('typo suggestions', { timeout: 60_000 }, () => {
  it('name the command meant, including the new ones and git habits', () => {
    const said = (args: string[]) => {
      const r = dvd(dir, args);
      expect(r.code).toBe(2);
      return /\(Did you mean ([^)]+)\?\)/.exec(r.stderr)?.[1];
    };
    expect(said(['versoin'])).toBe('version');
    expect(said(['remov', 'x'])).toBe('remove');
    expect(said(['mvoe', 'a', 'b'])).toBe('move');
    expect(said(['rm', 'x'])).toBe('remove');
    expect(said(['mv', 'a', 'b'])).toBe('move');
    expect(said(['st'])).toBe('status');
    expect(said(['remote', 'rm', 'x'])).toBe('remove');
    expect(said(['remote', 'ls'])).toBe('list');
    expect(said(['remote', 'mv', 'a', 'b'])).toBe('rename');
    expect(said(['add', '--jbos', '2', 'x'])).toBe('--jobs');
    expect(said(['doctr'])).toBe('doctor');
  });
});
