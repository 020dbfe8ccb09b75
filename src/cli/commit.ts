import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs, printJson, RECURSIVE_HELP, userPaths } from './context.js';
import { gitAdvice } from './gitAdvice.js';
import { reportProblems } from './reportProblems.js';

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
      const ctx = makeContext(cmd);
      const r = await (await import('../api/commit.js')).commit(ctx, { targets, force: opts.force, jobs: opts.jobs });
      if (opts.json) printJson(r);
      else if (!isQuiet(cmd)) {
        const paths = userPaths(ctx);
        const changed = r.committed.filter((c) => c.changed);
        for (const c of changed) process.stdout.write(`committed ${paths.show(c.target)} -> ${paths.show(c.pointerFile)}\n`);
        if (changed.length) gitAdvice(cmd, paths, r);
        else if (r.problems.length === 0) process.stdout.write('Nothing to commit: data matches its pointers.\n');
      }
      reportProblems(r.problems);
    });
}
