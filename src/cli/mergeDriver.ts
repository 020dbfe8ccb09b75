import type { Command } from 'commander';
import { makeContext } from './context.js';

// Hidden: Git calls it (registered by `dvd install` as merge.dvd.driver), people do not.
export function registerMergeDriver(program: Command): void {
  program
    .command('merge-driver', { hidden: true })
    .description('Git merge driver for *.dvd pointer files (registered by dvd install)')
    .argument('<base>', '%O: the common ancestor version')
    .argument('<ours>', '%A: our version; the merge result is written here')
    .argument('<theirs>', '%B: their version')
    .argument('[path]', '%P: the pointer file path in the repository', 'pointer')
    .action(async (base: string, ours: string, theirs: string, p: string, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/mergeDriver.js')).mergeDriver(ctx, { base, ours, theirs, pointerFile: p });
      if (r.clean) {
        if (r.how === 'manifest-merge') ctx.log.info(`dvd: merged ${p} file by file (${r.merged!.files} files)`);
        return;
      }
      process.stderr.write(`dvd: cannot merge ${p}; conflicting changes:\n${r.conflicts.map((c) => `  ${c}`).join('\n')}\n`);
      process.stderr.write('hint: resolve with `git checkout --ours/--theirs` on the pointer, or change the data and `dvd commit`\n');
      // Non-zero tells Git the file is conflicted.
      process.exitCode = 1;
    });
}
