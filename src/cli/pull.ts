import type { Command } from 'commander';
import { checkoutChanged, printCheckout } from './checkout.js';
import { isQuiet, makeContext, printJson, printResult, userPaths } from './context.js';
import { runCacheOption, runEntries, transferOptions, type TransferCliOptions } from './push.js';
import { reportProblems } from './reportProblems.js';
import { failuresJson, formatBytes, plural, throwIfFailed } from './transferReport.js';

export function registerPull(program: Command): void {
  transferOptions(program.command('pull').description('fetch tracked data and check it out into the workspace'))
    .option('-f, --force', 'overwrite or delete changed data even if it is not in the cache')
    .action(async (targets: string[], opts: TransferCliOptions & { force?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const { pull } = await import('../api/pull.js');
      const r = await pull(ctx, { targets, remote: opts.remote, jobs: opts.jobs, force: opts.force, allBranches: opts.allBranches, allTags: opts.allTags, allCommits: opts.allCommits, rev: opts.rev, glob: opts.glob, runCache: runCacheOption(opts) });
      const f = r.fetch;
      if (opts.json) {
        printJson({ fetch: { ...f, failed: failuresJson(f.failed) }, checkout: r.checkout, problems: r.problems });
      } else {
        if (f.downloaded || f.runs) printResult(cmd, `fetched ${plural(f.downloaded, 'object')} (${formatBytes(f.bytes)}) from ${f.remote}${f.runs ? `; ${runEntries(f.runs)}` : ''}`);
        if (r.checkout) printCheckout(r.checkout, isQuiet(cmd), userPaths(ctx));
        const changed = r.checkout !== null && checkoutChanged(r.checkout);
        if (f.downloaded === 0 && !changed && f.failed.length === 0 && !r.checkout?.missing.length && r.problems.length === 0) {
          printResult(cmd, `Already up to date: the cache holds ${plural(f.alreadyCached, 'object')} and the workspace matches.`);
        }
      }
      if (r.checkout?.missing.length) process.exitCode = 1;
      reportProblems(r.problems);
      throwIfFailed('pull', f.failed, f.remote);
    });
}
