import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs, printJson, RECURSIVE_HELP } from './context.js';

export function registerCommit(program: Command): void {
  program
    .command('commit')
    .description('record changes of tracked data in their pointers and the cache')
    .argument('[targets...]', 'tracked targets (default: all)')
    .option('-f, --force', 're-hash every file instead of trusting the stat cache')
    .option('-j, --jobs <n>', 'files processed in parallel', parseJobs)
    .option('-R, --recursive', RECURSIVE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], opts: { force?: boolean; jobs?: number; json?: boolean }, cmd: Command) => {
      const r = await (await import('../api/commit.js')).commit(makeContext(cmd), { targets, force: opts.force, jobs: opts.jobs });
      if (opts.json) return printJson(r);
      if (isQuiet(cmd)) return;
      const changed = r.committed.filter((c) => c.changed);
      for (const c of changed) process.stdout.write(`committed ${c.target} -> ${c.pointerFile}\n`);
      if (changed.length === 0) process.stdout.write('Nothing to commit: data matches its pointers.\n');
      else process.stdout.write(`\nTo track the changes with git, run:\n\n\tgit add ${changed.map((c) => c.pointerFile).join(' ')}\n`);
    });
}
