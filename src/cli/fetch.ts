import type { Command } from 'commander';
import { makeContext, printJson, printResult } from './context.js';
import { runCacheOption, runEntries, transferOptions, type TransferCliOptions } from './push.js';
import { reportProblems } from './reportProblems.js';
import { failuresJson, formatBytes, plural, throwIfFailed } from './transferReport.js';

export function registerFetch(program: Command): void {
  transferOptions(program.command('fetch').description('download tracked data into the cache (the workspace is not touched)')).action(
    async (targets: string[], opts: TransferCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd);
      const { fetch } = await import('../api/fetch.js');
      const r = await fetch(ctx, { targets, remote: opts.remote, jobs: opts.jobs, allBranches: opts.allBranches, allTags: opts.allTags, allCommits: opts.allCommits, rev: opts.rev, glob: opts.glob, runCache: runCacheOption(opts) });
      if (opts.json) printJson({ ...r, failed: failuresJson(r.failed) });
      else if (r.downloaded === 0 && r.runs === 0 && r.failed.length === 0) printResult(cmd, `Everything is already in the cache (${plural(r.alreadyCached, 'object')}).`);
      else printResult(cmd, `fetched ${plural(r.downloaded, 'object')} (${formatBytes(r.bytes)}) from ${r.remote}; ${r.alreadyCached} already cached${r.runs ? `; ${runEntries(r.runs)}` : ''}`);
      reportProblems(r.problems);
      throwIfFailed('fetch', r.failed, r.remote);
    },
  );
}
