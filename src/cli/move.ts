import type { Command } from 'commander';
import { makeContext, printJson, printResult } from './context.js';

export function registerMove(program: Command): void {
  program
    .command('move')
    .description('rename or move a tracked target: its data, pointer and .gitignore line move together')
    .argument('<src>', 'tracked target (or its .dvd pointer)')
    .argument('<dst>', 'new path; an existing folder receives SRC under its own name')
    .option('--json', 'print one JSON document')
    .action(async (src: string, dst: string, opts: { json?: boolean }, cmd: Command) => {
      const r = await (await import('../api/move.js')).move(makeContext(cmd), { src, dst });
      if (opts.json) return printJson(r);
      printResult(cmd, `moved ${r.from} -> ${r.to}${r.movedData ? '' : ' (pointer only: the data was not in the workspace)'}`);
      if (r.staged) printResult(cmd, `staged ${r.gitFiles.join(' ')}`);
      else printResult(cmd, `\nTo record this in git, run:\n\n\tgit add ${r.gitFiles.join(' ')}`);
    });
}
