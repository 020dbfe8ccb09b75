import type { Command } from 'commander';
import { DvdError, usageError } from '../core/errors.js';
import { isQuiet, makeContext, parseJobs, printJson, userPaths } from './context.js';
import { expTable } from './expTable.js';
import { diffJson, diffTable, reportUnreadable } from './metrics.js';
import { formatOptions, outputFormat, precisionOption, printTable, type FormatFlags } from './outputFormat.js';
import { reproPrinter } from './repro.js';
import { failuresJson, throwIfFailed } from './transferReport.js';

const collect = (v: string, prev: string[]) => [...prev, v];

interface RunFlags {
  setParam: string[];
  name?: string;
  queue?: boolean;
  runAll?: boolean;
  jobs?: number;
  force?: boolean;
  json?: boolean;
}

const took = (a?: string, b?: string) => (a && b ? ` in ${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)} s` : '');

async function run(targets: string[], opts: RunFlags, cmd: Command): Promise<void> {
  const ctx = makeContext(cmd);
  const quiet = isQuiet(cmd) || !!opts.json;
  const say = (line: string) => {
    if (!quiet) process.stdout.write(`${line}\n`);
  };
  if (opts.runAll && (opts.setParam.length || opts.name || targets.length) && !opts.queue) {
    throw usageError('--run-all runs the queue; queue experiments with --queue (or run one now without --run-all)');
  }
  const out: Record<string, unknown> = {};
  if (!opts.runAll || opts.queue) {
    const { expRun } = await import('../api/expRun.js');
    const output = opts.json ? { stdout: process.stderr, stderr: process.stderr, inherit: false } : undefined;
    const r = await expRun(ctx, { sets: opts.setParam, name: opts.name, queue: opts.queue, targets, force: opts.force, repro: { onEvent: reproPrinter(say, false, userPaths(ctx)), output, jobs: opts.runAll ? undefined : opts.jobs } });
    out.experiment = r;
    if (r.status === 'queued') say(`Queued experiment ${r.name}${opts.setParam.length ? ` (${opts.setParam.join(' ')})` : ''}: run the queue with dvd exp run --run-all [-j N]`);
    else if (r.status === 'success') say(`Ran experiment ${r.name}${took(r.started, r.finished)}: ${r.ref}\nCompare with dvd exp show; keep it with dvd exp apply ${r.name} (the workspace holds its results now) or dvd exp branch ${r.name} BRANCH.`);
    if (r.status === 'failed' && !opts.runAll) {
      if (opts.json) printJson(out);
      throw new DvdError('EEXPFAILED', `experiment ${r.name} failed: ${r.error}`, { hint: `it is recorded as failed (${r.ref}), with no results; fix the cause and run it again with -f -n ${r.name}` });
    }
  }
  if (opts.runAll) {
    const { expRunQueue } = await import('../api/expRunQueue.js');
    const r = await expRunQueue(ctx, {
      jobs: opts.jobs,
      quiet: isQuiet(cmd),
      dvd: [process.execPath, ...process.execArgv, process.argv[1]],
      output: { stdout: opts.json ? process.stderr : process.stdout, stderr: process.stderr },
      onEvent: (e) => {
        if (e.type === 'start') say(`Running experiment ${e.name}`);
        else say(`Experiment ${e.result.name}: ${e.result.status}${took(e.result.started, e.result.finished)}${e.result.error ? ` (${e.result.error})` : ''}`);
      },
    });
    out.queue = r.results;
    if (r.results.length === 0) say('The queue is empty: queue experiments with dvd exp run --queue -S KEY=VALUE.');
    const failed = r.results.filter((x) => x.status === 'failed');
    if (opts.json) printJson(out);
    if (failed.length) throw new DvdError('EEXPFAILED', `${failed.length} of ${r.results.length} experiments failed: ${failed.map((x) => x.name).join(', ')}`, { hint: 'they are recorded as failed, with no results; dvd exp show lists them' });
    return;
  }
  if (opts.json) printJson(out);
}

export function registerExp(program: Command): void {
  const exp = program.command('exp').description('run experiments (params changed with -S), compare them, keep the best: commits under refs/exps/');

  exp
    .command('run')
    .description('apply -S changes, run dvd repro here and record the result under refs/exps/ (or --queue it)')
    .argument('[targets...]', 'stages to reproduce (default: all)')
    .option('-S, --set-param <[file:]key=value>', 'change a param for this experiment (repeatable)', collect, [])
    .option('-n, --name <name>', 'the experiment\'s name (default: a random one like brisk-otter)')
    .option('--queue', 'queue the experiment instead of running it')
    .option('--run-all', 'run every queued experiment, each in its own temporary Git worktree')
    .option('-j, --jobs <n>', 'experiments run at the same time with --run-all; else stages, as in dvd repro -j (default 1)', parseJobs)
    .option('-f, --force', 'replace an experiment of the same name')
    .option('--json', 'print one JSON document (command output goes to stderr)')
    .action((targets: string[], opts: RunFlags, cmd: Command) => run(targets, opts, cmd));

  const show = exp
    .command('show')
    .description('the workspace, HEAD and its experiments: params and metrics, one row each')
    .option('-A, --all-commits', 'experiments of every baseline, not only of HEAD')
    .option('--sort-by <metric>', 'sort the experiments by this metric or param (FILE:KEY when two files have it)')
    .option('--sort-order <order>', 'asc or desc (default asc)')
    .option('--only-changed', 'only the columns whose value differs between rows');
  formatOptions(show);
  precisionOption(show).action(async (opts: FormatFlags & { allCommits?: boolean; sortBy?: string; sortOrder?: string; onlyChanged?: boolean; precision?: number }, cmd: Command) => {
    const format = outputFormat(opts);
    if (opts.sortOrder && opts.sortOrder !== 'asc' && opts.sortOrder !== 'desc') throw usageError(`--sort-order must be asc or desc, not ${JSON.stringify(opts.sortOrder)}`);
    const { expShow } = await import('../api/expShow.js');
    const r = await expShow(makeContext(cmd), { all: opts.allCommits });
    const { table, rows } = expTable(r.rows, { sortBy: opts.sortBy, sortOrder: opts.sortOrder as 'asc' | 'desc' | undefined, onlyChanged: opts.onlyChanged, precision: opts.precision, tree: format === 'text' });
    // JSON: sorted as asked; --only-changed is about columns and leaves the data whole.
    if (format === 'json') printJson({ rows });
    else printTable(table, format, { keep: 2 });
    reportUnreadable(r.rows.flatMap((x) => x.errors), 'file');
  });

  const diff = exp
    .command('diff')
    .description('params and metrics of two experiments or revisions (default: HEAD against the workspace)')
    .argument('[a]', 'experiment name or revision (default: HEAD)')
    .argument('[b]', 'experiment name or revision (default: the workspace)')
    .option('--all', 'unchanged values too');
  formatOptions(diff);
  precisionOption(diff).action(async (a: string | undefined, b: string | undefined, opts: FormatFlags & { all?: boolean; precision?: number }, cmd: Command) => {
    const format = outputFormat(opts);
    const { expDiff } = await import('../api/expDiff.js');
    const r = await expDiff(makeContext(cmd), { a, b, all: opts.all });
    if (format === 'json') printJson({ a: r.a, b: r.b, params: diffJson(r.params, false), metrics: diffJson(r.metrics, true), errors: r.errors });
    else if (!r.params.length && !r.metrics.length) process.stderr.write(`No params or metrics differ between ${r.a.name} and ${r.b.name}.\n`);
    else {
      if (r.metrics.length) printTable(diffTable(r.metrics, { keyTitle: 'Metric', a: r.a.name, b: r.b.name, change: true, precision: opts.precision }), format, { keep: 2 });
      if (r.metrics.length && r.params.length) process.stdout.write('\n');
      if (r.params.length) printTable(diffTable(r.params, { keyTitle: 'Param', a: r.a.name, b: r.b.name, change: false, precision: opts.precision }), format, { keep: 2 });
    }
    reportUnreadable(r.errors, 'file');
  });

  exp
    .command('apply')
    .description('put an experiment\'s results into the workspace (params, dvd.lock, metrics, outputs), to commit them')
    .argument('<name>', 'experiment')
    .option('-f, --force', 'overwrite uncommitted changes to the files it changes')
    .option('--json', 'print one JSON document')
    .action(async (name: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
      const { expApply } = await import('../api/expApply.js');
      const r = await expApply(makeContext(cmd), { name, force: opts.force });
      if (opts.json) printJson(r);
      else if (!isQuiet(cmd)) process.stdout.write(`Applied experiment ${r.name} (${r.commit.slice(0, 7)}${r.baselineIsHead ? '' : `, run from baseline ${r.baseline.slice(0, 7)}, not HEAD: its own changes only`}): ${r.files.length} file${r.files.length === 1 ? '' : 's'} written, outputs checked out. Commit them to keep it: git add -A && git commit\n`);
      if (r.checkout.missing.length) throw new DvdError('ENOOBJECT', `${r.checkout.missing.length} output file${r.checkout.missing.length === 1 ? ' is' : 's are'} not in the cache`, { hint: 'dvd exp pull GIT_REMOTE NAME (or dvd pull) brings them' });
    });

  exp
    .command('branch')
    .description('make a branch of an experiment (its commit, on top of its baseline)')
    .argument('<name>', 'experiment')
    .argument('<branch>', 'new branch name')
    .action(async (name: string, branch: string, _opts: unknown, cmd: Command) => {
      const { expBranch } = await import('../api/expBranch.js');
      const r = await expBranch(makeContext(cmd), { name, branch });
      if (!isQuiet(cmd)) process.stdout.write(`Branch ${r.branch} is experiment ${r.name} (${r.commit.slice(0, 7)}): git checkout ${r.branch} && dvd checkout\n`);
    });

  exp
    .command('remove')
    .description('delete experiments (their refs)')
    .argument('[names...]', 'experiments (queued ones too)')
    .option('--queue', 'every queued experiment')
    .option('--all', 'every experiment of every baseline, and the queue')
    .action(async (names: string[], opts: { queue?: boolean; all?: boolean }, cmd: Command) => {
      const { expRemove } = await import('../api/expRemove.js');
      const r = await expRemove(makeContext(cmd), { names, queue: opts.queue, all: opts.all });
      if (!isQuiet(cmd)) process.stdout.write(r.removed.length ? `Removed ${r.removed.map((x) => x.name).join(', ')}\n` : 'Nothing to remove.\n');
    });

  const transfer = (verb: 'push' | 'pull') =>
    exp
      .command(verb)
      .description(verb === 'push' ? 'experiments\' refs to a Git remote, their data to the dvd remote' : 'experiments\' refs from a Git remote, their data from the dvd remote')
      .argument('<git_remote>', 'Git remote name or URL')
      .argument('[names...]', 'experiments')
      .option('--all', verb === 'push' ? 'every finished experiment' : 'every experiment the Git remote has')
      .option('-r, --remote <name>', 'dvd remote for the data (default: core.remote)')
      .option('--no-data', 'the refs only')
      .option('-j, --jobs <n>', 'transfers in flight', parseJobs)
      .option('-f, --force', verb === 'push' ? 'replace experiments of the same names on the Git remote' : 'replace local experiments of the same names')
      .option('--json', 'print one JSON document')
      .action(async (gitRemote: string, names: string[], opts: { all?: boolean; remote?: string; data?: boolean; jobs?: number; force?: boolean; json?: boolean }, cmd: Command) => {
        const o = { gitRemote, names, all: opts.all, remote: opts.remote, noData: opts.data === false, jobs: opts.jobs, force: opts.force };
        const ctx = makeContext(cmd);
        const r = verb === 'push' ? await (await import('../api/expPush.js')).expPush(ctx, o) : await (await import('../api/expPull.js')).expPull(ctx, o);
        const done = 'pushed' in r ? r.pushed : r.pulled;
        // Transfer failures in the shape push/fetch --json give them (an Error prints as {}).
        if (opts.json) printJson(r.data && r.data.failed.length ? { ...r, data: { ...r.data, failed: failuresJson(r.data.failed) } } : r);
        else if (!isQuiet(cmd)) {
          const data = r.data ? ('uploaded' in r.data ? `, ${r.data.uploaded} objects uploaded` : `, ${r.data.downloaded} objects downloaded`) : '';
          const where = verb === 'push' ? `on ${gitRemote}` : 'here';
          if (done.length) process.stdout.write(`${verb === 'push' ? 'Pushed' : 'Pulled'} ${done.map((x) => x.name).join(', ')} (${gitRemote}${data})\n`);
          if (r.unchanged.length) process.stdout.write(`Already ${where}: ${r.unchanged.map((x) => x.name).join(', ')}${done.length ? '' : ` (${gitRemote}${data})`}\n`);
          if (r.dropped.length) process.stdout.write(`Replaced ${where}: ${r.dropped.map((x) => `${x.ref} (${x.commit.slice(0, 12)})`).join(', ')}\n`);
          if (!done.length && !r.unchanged.length) process.stdout.write('No experiments to transfer.\n');
        }
        // Pulled refs stay; data that could not come (no default remote, a failed download)
        // is reported as fetch reports it, exit 1. (push throws before its refs go.)
        if (r.data && !('uploaded' in r.data)) throwIfFailed('fetch', r.data.failed, r.data.remote);
      });
  transfer('push');
  transfer('pull');
}
