import type { Command } from 'commander';
import { isQuiet, makeContext } from './context.js';
import { reportProblems } from './reportProblems.js';

export function registerUntrack(program: Command): void {
  program
    .command('untrack')
    .description('stop tracking targets; their data stays in the workspace as plain files')
    .argument('<targets...>', 'tracked targets')
    .action(async (targets: string[], _opts: object, cmd: Command) => {
      const r = await (await import('../api/untrack.js')).untrack(makeContext(cmd), { targets });
      if (!isQuiet(cmd)) {
        for (const u of r.untracked) process.stdout.write(`untracked ${u.target} (removed ${u.pointerFile})\n`);
        if (r.gitFiles.length) process.stdout.write(`\nTo record this in git, run:\n\n\tgit add ${r.gitFiles.join(' ')}\n`);
      }
      reportProblems(r.problems);
    });
}
