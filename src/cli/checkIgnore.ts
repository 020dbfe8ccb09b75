import type { Command } from 'commander';
import { makeContext, printJson } from './context.js';

export function registerCheckIgnore(program: Command): void {
  program
    .command('check-ignore')
    .description('say which .dvdignore rule ignores each path (file:line:pattern, as git check-ignore -v)')
    .argument('<paths...>', 'paths, relative to the current folder')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], opts: { json?: boolean }, cmd: Command) => {
      const r = (await import('../api/checkIgnore.js')).checkIgnore(makeContext(cmd), { paths });
      if (opts.json) printJson(r);
      else for (const p of r.paths) if (p.match) process.stdout.write(`${p.match.file}:${p.match.line}:${p.match.pattern}\t${p.path}\n`);
      // git's rule: 0 when at least one path is ignored, 1 when none is (a `!pattern`
      // match is printed, as by git -v, but is not ignored).
      if (!r.paths.some((p) => p.match && !p.match.negative)) process.exitCode = 1;
    });
}
