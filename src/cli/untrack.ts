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
    .option('-f, --force', 'also untrack a target missing from the workspace whose data is not in the cache (it is then kept nowhere in the workspace)')
    .action(async (targets: string[], opts: { force?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/untrack.js')).untrack(ctx, { targets, force: opts.force });
      if (!isQuiet(cmd)) {
        const paths = userPaths(ctx);
        for (const t of r.restored) process.stdout.write(`restored ${paths.show(t)} from the cache (it was not in the workspace)\n`);
        for (const u of r.untracked) process.stdout.write(`untracked ${paths.show(u.target)} (removed ${paths.show(u.pointerFile)})\n`);
        gitAdvice(cmd, paths, r, 'record this');
      }
      reportProblems(r.problems);
    });
}
