import type { Command } from 'commander';
import { isQuiet, makeContext, userPaths } from './context.js';
import { gitAdvice } from './gitAdvice.js';
import { reportProblems } from './reportProblems.js';

export function registerUntrack(program: Command): void {
  program
    .command('untrack')
    .alias('remove')
    .description('stop tracking targets (alias: remove, DVC\'s name); their data stays in the workspace as plain files')
    .argument('<targets...>', 'tracked targets')
    .action(async (targets: string[], _opts: object, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/untrack.js')).untrack(ctx, { targets });
      if (!isQuiet(cmd)) {
        const paths = userPaths(ctx);
        for (const u of r.untracked) process.stdout.write(`untracked ${paths.show(u.target)} (removed ${paths.show(u.pointerFile)})\n`);
        gitAdvice(cmd, paths, r, 'record this');
      }
      reportProblems(r.problems);
    });
}
