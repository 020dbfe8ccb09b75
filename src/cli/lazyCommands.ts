import type { Command } from 'commander';
import { COMMAND_FILES, type CommandFile } from './commands.js';

// Building all ~60 commands with their options and help texts cost ~30 M instructions
// (a quarter of what dvd adds to `node -e 0`) on every run, for one command used. So
// main.ts builds the command argv names alone, and otherwise builds them all only when
// commander first looks at the program's command list (help, suggestions, dispatch).

/**
 * The file registering the command argv (without node and script) names, or undefined
 * when argv names none, names an unknown word, or names a command that reads the whole
 * tree (completion): then every command must be built. Reads the program's own options
 * as commander does: `-C` takes a value (`-C dir`, `-Cdir`, `-qC dir`), the other ones
 * (-q, -v, -V, -h and their long forms) take none; `--` ends options.
 */
export function commandFileNamed(args: string[]): CommandFile | undefined {
  let word: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      word = args[i + 1];
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      word = a;
      break;
    }
    // A cluster of short flags: -C takes the rest of the word, or the next argument.
    if (!a.startsWith('--') && a.indexOf('C') === a.length - 1) i++;
  }
  const file = word === undefined ? undefined : COMMAND_FILES.find((f) => f.names.includes(word));
  return file?.wholeTree ? undefined : file;
}

/**
 * Run `build` (which registers the program's commands) the first time anything reads
 * `program.commands`, so a run that never looks at them (`dvd --version`, `dvd -q
 * --version`) builds none. Commander keeps subcommands in that public array and reads
 * it before any dispatch, help, suggestion or check that depends on them; `build` runs
 * once, and its own `program.command(...)` calls see the array without building again.
 */
export function buildOnFirstLook(program: Command, build: () => void): void {
  let list = program.commands as Command[];
  let built = false;
  Object.defineProperty(program, 'commands', {
    configurable: true,
    enumerable: true,
    get() {
      if (!built) {
        built = true;
        build();
      }
      return list;
    },
    set(value: Command[]) {
      list = value;
    },
  });
}
