import type { Command } from 'commander';
import { isQuiet, makeContext } from './context.js';

export function registerUntrack(program: Command): void {
  program
    .command('untrack')
    .alias('remove')
    .description('stop tracking targets (alias: remove, DVC\'s name); their data stays in the workspace as plain files')
    .argument('<targets...>', 'tracked targets')
    .action(async (targets: string[], _opts: object, cmd: Command) => {
      const r = await (await import('../api/untrack.js')).untrack(makeContext(cmd), { targets });
      if (isQuiet(cmd)) return;
      for (const u of r.untracked) process.stdout.write(`untracked ${u.target} (removed ${u.pointerFile})\n`);
      process.stdout.write(`\nTo record this in git, run:\n\n\tgit add ${r.gitFiles.join(' ')}\n`);
    });
}
