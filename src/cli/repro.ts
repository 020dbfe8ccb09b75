import type { Command } from 'commander';
import { DvdError } from '../core/errors.js';
import type { ReproEvent, ReproResult, StageReport } from '../api/repro.js';
import type { UserPaths } from '../core/userPaths.js';
import { makeContext, parseJobs, printJson, isQuiet, userPaths } from './context.js';
import { reasonsLine } from './reasonWords.js';
import { reportProblems } from './reportProblems.js';

interface ReproCliOptions {
  force?: boolean;
  singleItem?: boolean;
  downstream?: boolean;
  dry?: boolean;
  jobs?: number;
  pull?: boolean;
  runCache?: boolean;
  keepGoing?: boolean;
  json?: boolean;
  remote?: string;
}

/** The line for a decided stage (`repro --dry` and `dvd status` print the same words); paths as `paths` shows them. */
export function stageLine(r: StageReport, dry: boolean, paths: UserPaths): string | null {
  const why = reasonsLine(r.reasons, paths);
  switch (r.action) {
    case 'run':
      return dry ? `${r.stage}: would run: ${why}` : null;
    case 'restore':
      return dry ? `${r.stage}: would restore from run cache: ${why}` : `${r.stage}: restored from run cache`;
    case 'recheck':
      return `${r.stage}: decided again after ${r.reasons.filter((x) => x.kind === 'upstream').map((x) => (x as { stage: string }).stage).join(', ')} runs`;
    case 'unchanged':
      return `${r.stage}: unchanged`;
    case 'frozen':
      return `${r.stage}: frozen, not run`;
    case 'skipped':
      return `${r.stage}: ${r.error ?? 'not run'}`;
    case 'failed':
      return null;
  }
}

/** Prints repro's events: a stage starting (its reasons and commands), failed, or decided. */
export function reproPrinter(say: (line: string) => void, dry: boolean, paths: UserPaths): (e: ReproEvent) => void {
  return (e) => {
    if (e.type === 'start') {
      say(`Running stage ${e.stage}: ${reasonsLine(e.reasons, paths)}`);
      for (const c of e.cmd) say(`> ${c}`);
      return;
    }
    const r = e.report;
    if (r.action === 'failed') {
      process.stderr.write(`error: stage ${r.stage} failed: ${r.error}\n`);
      return;
    }
    const line = stageLine(r, dry, paths);
    if (line) say(line);
  };
}

export function registerRepro(program: Command): void {
  program
    .command('repro')
    .description('run the stages of dvd.yaml whose inputs changed, in order, and record them in dvd.lock')
    .argument('[targets...]', 'stages to bring up to date, with the stages they depend on (default: all)')
    .option('-f, --force', 'run the stages even if nothing changed')
    .option('-s, --single-item', 'only the named stages, not what they depend on')
    .option('--downstream', 'the named stages and every stage that depends on them')
    .option('--dry', 'print what would run and why; run nothing')
    .option('-j, --jobs <n>', 'stages run at the same time (default 1)', parseJobs)
    .option('--pull', 'fetch missing deps and outputs from the remote first')
    .option('-r, --remote <name>', 'remote for --pull and the run cache (default: core.remote)')
    .option('--no-run-cache', 'neither restore from nor record into the run cache')
    .option('-k, --keep-going', 'after a failure, run the stages that do not depend on it')
    .option('--json', 'print one JSON document (command output goes to stderr)')
    .action(async (targets: string[], opts: ReproCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd);
      const paths = userPaths(ctx);
      const quiet = isQuiet(cmd);
      const jobs = opts.jobs ?? 1;
      const say = (line: string) => {
        if (!quiet && !opts.json) process.stdout.write(`${line}\n`);
      };
      const onEvent = reproPrinter(say, !!opts.dry, paths);
      const { repro } = await import('../api/repro.js');
      let result: ReproResult;
      try {
        result = await repro(ctx, {
          targets,
          force: opts.force,
          single: opts.singleItem,
          downstream: opts.downstream,
          dry: opts.dry,
          jobs,
          pull: opts.pull,
          remote: opts.remote,
          noRunCache: opts.runCache === false,
          keepGoing: opts.keepGoing,
          output: opts.json ? { stdout: process.stderr, stderr: process.stderr, inherit: false } : { stdout: process.stdout, stderr: process.stderr, inherit: jobs === 1 },
          onEvent,
        });
      } catch (err) {
        if (opts.json && err instanceof DvdError && err.code === 'EINTERRUPTED') printJson((err.data as { result: ReproResult }).result);
        throw err;
      }
      if (opts.json) printJson(result);
      else if (!opts.dry && result.stages.every((s) => s.action === 'unchanged' || s.action === 'frozen')) say('Pipeline is up to date. Nothing to reproduce.');
      reportProblems(result.problems);
      if (result.failed.length) {
        throw new DvdError('EREPRO', `${result.failed.length === 1 ? 'stage' : 'stages'} ${result.failed.join(', ')} failed`, {
          hint: 'their dvd.lock entries and the cache are as they were; fix the cause and run `dvd repro` again',
        });
      }
    });
}
