import { Command, CommanderError } from 'commander';
import { DvdError } from '../core/errors.js';
import { describeSystemError } from '../core/fsError.js';
import { findRepoRoot } from '../core/repo.js';
import { UserPaths } from '../core/userPaths.js';
import { relabelPipelineError } from '../pipeline/pipelineError.js';
import { exitQuietlyOnClosedPipe } from './closedPipe.js';
import { registerCommands } from './commands.js';
import { addExamples, addHabitSuggestions } from './examples.js';
import { buildOnFirstLook, commandFileNamed } from './lazyCommands.js';
import { printedJson, printJson, stopProgressBars } from './context.js';
import { version } from './version.js';

export interface GlobalOptions {
  quiet?: boolean;
  verbose?: boolean;
  C?: string;
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = new Command('dvd');
  program
    .description('Version datasets and models next to Git')
    .version(version(), '-V, --version', 'print the version number (`dvd version` tells more)')
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'print stack traces on errors')
    .option('-C <dir>', 'run as if dvd was started in DIR')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  program.hook('preAction', (cmd) => {
    const dir = cmd.opts<GlobalOptions>().C;
    if (dir) {
      try {
        process.chdir(dir);
      } catch {
        throw new DvdError('EUSAGE', `-C ${dir}: no such directory`, { exitCode: 2 });
      }
    }
  });
  const args = versionValuesJoined(argv);
  const named = commandFileNamed(args.slice(2));
  const build = () => {
    registerCommands(program, named ? [named] : undefined);
    addExamples(program);
    addHabitSuggestions(program);
    // Subcommands inherit exitOverride so usage errors come back to us as exit 2.
    for (const c of program.commands) c.exitOverride();
  };
  if (named) build();
  else buildOnFirstLook(program, build);
  try {
    await program.parseAsync(args);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = reportError(err, program.opts<GlobalOptions>().verbose ?? false);
    if (code !== 0 && wantsJson(argv) && !printedJson()) printJson(errorDocument(err, code));
    return code;
  }
}

/**
 * Commander matches the program's `--version` anywhere in argv, so in
 * `dvd artifact register NAME --version v1.2.0` it would print dvd's version. After the
 * subcommand's name, `--version X` is rewritten `--version=X`, which the program does not
 * match (its flag takes no value) and the subcommand's `--version <v>` option parses.
 */
function versionValuesJoined(argv: string[]): string[] {
  const out = argv.slice(0, 2);
  let sub = false;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return [...out, ...argv.slice(i)];
    if (!sub && a === '-C') out.push(a, argv[++i]);
    else if (sub && a === '--version' && i + 1 < argv.length && !argv[i + 1].startsWith('-')) out.push(`--version=${argv[++i]}`);
    else {
      if (!a.startsWith('-')) sub = true;
      out.push(a);
    }
  }
  return out.filter((a) => a !== undefined);
}

/**
 * A dvd.yaml, dvd.lock or params file error names its file from the repository root;
 * printed, it is named from where dvd runs (README: printed paths), as `../dvd.yaml:7`.
 */
function shownFromCwd(err: DvdError): DvdError {
  const file = err.data?.file;
  if (err.code !== 'EPIPELINE' || typeof file !== 'string') return err;
  const root = findRepoRoot(process.cwd());
  return root ? relabelPipelineError(err, new UserPaths(root, process.cwd()).show(file)) : err;
}

/** --json among the options (before a `--`), wherever commander would have put it. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** What a script reading --json output gets when the command fails: `{"error": {...}}`. */
function errorDocument(err: unknown, exitCode: number) {
  if (err instanceof CommanderError) return { error: { code: 'EUSAGE', message: err.message.replace(/^error: /, ''), exitCode } };
  if (err instanceof DvdError) return { error: { code: err.code, message: err.message, hint: err.hint, exitCode, ...(err.data ? { data: err.data } : {}) } };
  return { error: { code: (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN', message: (err as Error)?.message ?? String(err), exitCode } };
}

export function reportError(err: unknown, verbose: boolean): number {
  stopProgressBars();
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  // A system error no caller explained still gets words, not errno text.
  if (!(err instanceof DvdError)) err = describeSystemError(err) ?? err;
  if (err instanceof DvdError) {
    const shown = shownFromCwd(err);
    process.stderr.write(`error: ${shown.message}\n`);
    if (shown.hint) process.stderr.write(`hint: ${shown.hint}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return shown.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('hint: run again with -v for a stack trace\n');
  return 1;
}
