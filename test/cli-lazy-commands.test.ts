import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_FILES, registerCommands } from '../src/cli/commands.js';
import { dvd, dvdOk, tempDir, tempRepo, removedAfterEach } from './helpers.js';

// Issue 15, start-up: dvd builds only the command argv names, and all of them only when
// commander looks at the list (help, suggestions, completion). These check that every
// path still sees what the fully built program has.

const cleanup = removedAfterEach();

/** The fully built tree, as `dvd --help` and completion see it. */
function fullProgram(): Command {
  const program = new Command('dvd');
  registerCommands(program);
  return program;
}

/** Every command below the program, as its path of names: ['remote', 'add']. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

const hidden = (c: Command) => (c as unknown as { _hidden: boolean })._hidden;

describe('commands built on demand', { timeout: 600_000 }, () => {
  it('each command file lists the names and aliases its register function adds', () => {
    for (const f of COMMAND_FILES) {
      const program = new Command('dvd');
      f.register(program);
      expect(program.commands.flatMap((c) => [c.name(), ...c.aliases()])).toEqual(f.names);
    }
  });

  it('`dvd <command> --help`, for every command and subcommand, exits 0 and lists its options, subcommands and examples', () => {
    const dir = cleanup(tempDir());
    const paths = commandPaths(fullProgram());
    expect(paths.length).toBeGreaterThan(60);
    const full = fullProgram();
    for (const p of paths) {
      let cmd = full;
      for (const name of p) cmd = cmd.commands.find((c) => c.name() === name)!;
      const r = dvd(dir, [...p, '--help']);
      expect(r.code, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(' ')).toContain(`Usage: dvd ${p.join(' ')}`);
      for (const o of cmd.options) if (!o.hidden) expect(r.stdout, `${p.join(' ')} ${o.flags}`).toContain(o.flags);
      for (const c of cmd.commands) if (!hidden(c)) expect(r.stdout, `${p.join(' ')} ${c.name()}`).toContain(c.name());
      if (p.length === 1 && ['status', 'add', 'remote'].includes(p[0])) expect(r.stdout).toContain('Examples:\n  $ dvd ');
    }
  });

  it('`dvd --help`, `dvd help` and `dvd` alone list every command', () => {
    const dir = cleanup(tempDir());
    const names = fullProgram().commands.filter((c) => !hidden(c)).map((c) => c.name());
    for (const args of [['--help'], ['help'], [], ['-q', '--help']]) {
      const r = dvd(dir, args);
      const shown = r.stdout + r.stderr;
      for (const n of names) expect(shown, `${args.join(' ')}: ${n}`).toMatch(new RegExp(`^  ${n}\\b`, 'm'));
    }
  });

  it('an unknown or mistyped command still gets its suggestion, and git habits theirs', () => {
    const dir = cleanup(tempDir());
    const typo = dvd(dir, ['stauts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("error: unknown command 'stauts'\n(Did you mean status?)");
    const habit = dvd(dir, ['co']);
    expect(habit.code).toBe(2);
    expect(habit.stderr).toContain('(Did you mean checkout?)');
    const sub = dvd(dir, ['remote', 'ls']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('(Did you mean list?)');
  });

  it('program options before the command are read as commander reads them (-C DIR, -CDIR, -qC DIR, --)', () => {
    const repo = cleanup(tempRepo({ dvdInit: true }));
    const elsewhere = cleanup(tempDir());
    for (const args of [['-C', repo, 'status'], [`-C${repo}`, 'status'], ['-qC', repo, 'status'], ['-C', repo, '--', 'status']]) {
      const r = dvd(elsewhere, args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).toBe('');
    }
    expect(dvdOk(elsewhere, ['-C', repo, 'status']).stdout).toBe('No data tracked by dvd.\n');
    // A folder named like a command is the -C value, not the command: `init` is.
    fs.mkdirSync(path.join(elsewhere, 'status'));
    for (const args of [['-qC', 'status', 'init', '--help'], ['-C', 'status', 'init', '--help']]) {
      expect(dvdOk(elsewhere, args).stdout, args.join(' ')).toContain('Usage: dvd init');
    }
  });

  it('`dvd --version` and `dvd completion` still answer while naming no other command', () => {
    const dir = cleanup(tempDir());
    expect(dvdOk(dir, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const script = dvdOk(dir, ['completion', 'bash']).stdout;
    for (const c of fullProgram().commands.filter((x) => !hidden(x))) expect(script, c.name()).toContain(c.name());
  });
});
