import type { Command } from 'commander';
import { makeContext, printJson, printResult, userPaths } from './context.js';
import { gitAdvice } from './gitAdvice.js';

export function registerMove(program: Command): void {
  program
    .command('move')
    .description('rename or move a tracked target: its data, pointer and .gitignore line move together')
    .argument('<src>', 'tracked target (or its .dvd pointer)')
    .argument('<dst>', 'new path; an existing folder receives SRC under its own name')
    .option('--json', 'print one JSON document')
    .action(async (src: string, dst: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/move.js')).move(ctx, { src, dst });
      if (opts.json) return printJson(r);
      const paths = userPaths(ctx);
      printResult(cmd, `moved ${paths.show(r.from)} -> ${paths.show(r.to)}${r.movedData ? '' : ' (pointer only: the data was not in the workspace)'}`);
      gitAdvice(cmd, paths, r, 'record this');
    });
}
