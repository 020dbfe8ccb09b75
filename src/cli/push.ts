import type { Command } from 'commander';
import { makeContext, parseJobs, printJson, printResult, RECURSIVE_HELP } from './context.js';
import { reportProblems } from './reportProblems.js';
import { failuresJson, formatBytes, plural, throwIfFailed } from './transferReport.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** The options push, fetch and pull share (DESIGN: command line). */
export function transferOptions(cmd: Command): Command {
  return cmd
    .argument('[targets...]', 'pointer files, tracked paths or folders (default: the whole workspace)')
    .option('-r, --remote <name>', 'remote to use (default: core.remote)')
    .option('-j, --jobs <n>', 'transfers in flight (default: remote.NAME.jobs, else 32 for S3, 8 for folders)', parseJobs)
    .option('-a, --all-branches', 'also the data of every branch tip')
    .option('-T, --all-tags', 'also the data of every tag')
    .option('-A, --all-commits', 'also the data of every commit')
    .option('--rev <rev>', 'also the data at this revision (repeatable)', collect)
    .option('--glob', 'targets are shell-style patterns (quote them), matched against the workspace and tracked targets')
    .option('-R, --recursive', RECURSIVE_HELP)
    .option('--no-run-cache', 'leave the run cache (runs/) out of a whole-repository transfer')
    .option('--json', 'print the result as JSON');
}

/** "1 run-cache entry", "3 run-cache entries". */
export const runEntries = (n: number) => `${n} run-cache ${n === 1 ? 'entry' : 'entries'}`;

/** runCache for the api: false with --no-run-cache, else its default. */
export const runCacheOption = (opts: TransferCliOptions) => (opts.runCache === false ? false : undefined);

export interface TransferCliOptions {
  remote?: string;
  jobs?: number;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  rev?: string[];
  glob?: boolean;
  json?: boolean;
  runCache?: boolean;
}

export function registerPush(program: Command): void {
  transferOptions(program.command('push').description('upload tracked data the remote does not have yet')).action(
    async (targets: string[], opts: TransferCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd);
      const { push } = await import('../api/push.js');
      const r = await push(ctx, { targets, remote: opts.remote, jobs: opts.jobs, allBranches: opts.allBranches, allTags: opts.allTags, allCommits: opts.allCommits, rev: opts.rev, glob: opts.glob, runCache: runCacheOption(opts) });
      if (opts.json) printJson({ ...r, failed: failuresJson(r.failed) });
      else if (r.uploaded === 0 && r.runs === 0 && r.failed.length === 0) printResult(cmd, `Everything is already on ${r.remote} (${plural(r.alreadyPresent, 'object')}).`);
      else printResult(cmd, `pushed ${plural(r.uploaded, 'object')} (${formatBytes(r.bytes)}) to ${r.remote}; ${r.alreadyPresent} already there${r.runs ? `; ${runEntries(r.runs)}` : ''}`);
      reportProblems(r.problems);
      throwIfFailed('push', r.failed, r.remote);
    },
  );
}
