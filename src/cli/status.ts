import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { StatusResult } from '../api/status.js';
import { uniqueProblems } from '../core/pointerProblem.js';
import { findRepoRoot } from '../core/repo.js';
import { isQuiet, makeContext, parseJobs, printJson, RECURSIVE_HELP, userPaths } from './context.js';
import { printRemoteStatus } from './remoteStatus.js';
import { reasonsLine } from './reasonWords.js';
import { reportProblems } from './reportProblems.js';
import type { StageReport } from '../api/repro.js';
import type { UserPaths } from '../core/userPaths.js';

/** `train: params.yaml train.lr 0.01 -> 0.02; dep data/prepared modified (3 files)` (the words of `repro --dry`). */
function stageStatusLine(s: StageReport, paths: UserPaths): string {
  return `${s.stage}: ${reasonsLine(s.reasons, paths)}${s.action === 'restore' ? ' (restorable from run cache)' : ''}`;
}

/** Whether any target differs from its pointer (or its data is not in the cache). */
export function statusDiffers(r: StatusResult): boolean {
  return r.targets.some((t) => t.state !== 'unchanged' || t.notInCache);
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show tracked data that differs from its pointer')
    .argument('[targets...]', 'tracked targets (default: all)')
    .option('-j, --jobs <n>', 'files hashed in parallel', parseJobs)
    .option('-R, --recursive', RECURSIVE_HELP)
    .option('--exit-code', "exit 1 when anything differs (git's rule; with -q that is always so, DVC's rule)")
    .option('--json', 'print one JSON document')
    .option('-r, --remote [name]', 'compare the cache with a remote (default: core.remote) instead of the workspace')
    .action(async (targets: string[], opts: { json?: boolean; remote?: string | true; jobs?: number; exitCode?: boolean }, cmd: Command) => {
      // -q prints nothing and answers with the exit code alone; --exit-code keeps the output.
      const failIfDiffers = opts.exitCode || isQuiet(cmd);
      if (opts.remote !== undefined) {
        const differs = await printRemoteStatus(cmd, targets, opts.remote === true ? undefined : opts.remote, opts.json);
        if (differs && failIfDiffers) process.exitCode = 1;
        return;
      }
      const ctx = makeContext(cmd);
      // The pipeline half loads only where there is a dvd.yaml (it brings the YAML parser).
      const root = findRepoRoot(ctx.cwd);
      const st = root && fs.existsSync(path.join(root, 'dvd.yaml'))
        ? await (await import('../api/stageStatus.js')).stageStatus(ctx, { targets })
        : { pipeline: false, stages: [], otherTargets: targets, problems: [] };
      const dataTargets = st.otherTargets;
      const r: StatusResult = targets.length > 0 && dataTargets.length === 0 ? { targets: [], problems: [] } : await (await import('../api/status.js')).status(ctx, { targets: dataTargets, jobs: opts.jobs });
      const problems = uniqueProblems([...st.problems, ...r.problems]);
      // A stage that is not up to date differs too (DVC's status -q counts the pipeline).
      if (failIfDiffers && (statusDiffers(r) || st.stages.length > 0)) process.exitCode = 1;
      if (opts.json || isQuiet(cmd)) {
        if (opts.json) printJson(st.pipeline ? { ...r, stages: st.stages, problems } : r);
        reportProblems(problems);
        return;
      }
      const paths = userPaths(ctx);
      const show = (p: string) => paths.show(p);
      const lines: string[] = st.stages.map((s) => stageStatusLine(s, paths));
      for (const t of r.targets) {
        if (t.state === 'unchanged' && !t.notInCache) continue;
        lines.push(`${show(t.pointerFile)}:`);
        // What checkout needs may not be in the cache (a partial fetch): then pull restores it.
        const named = t.scope ?? [t.target];
        const restore = t.notInCache ? `not in the cache: run \`${paths.command('dvd pull', named)}\`` : `run \`${paths.command('dvd checkout', named)}\``;
        if (t.state === 'missing') lines.push(`\tdeleted:  ${named.map(show).join(', ')}  (${restore} to restore)`);
        for (const p of t.added) lines.push(`\tadded:    ${show(p)}`);
        for (const p of t.modified) lines.push(`\tmodified: ${show(p)}`);
        for (const p of t.deleted) lines.push(`\tdeleted:  ${show(p)}`);
        for (const p of t.relink) lines.push(`\trelink:   ${show(p)}  (dvd's link, not into this repository's cache; \`dvd checkout\` re-creates it)`);
        if (t.state === 'modified' && t.added.length + t.modified.length + t.deleted.length + t.relink.length === 0) lines.push(`\tmodified: ${show(t.target)}`);
        if (t.notInCache && t.state !== 'missing') lines.push(`\tnot in cache (run \`${paths.command('dvd pull', named)}\` to fetch it)`);
      }
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
      else if (problems.length === 0 && st.pipeline) process.stdout.write('Data, pointers and stages are up to date.\n');
      else if (problems.length === 0) process.stdout.write(r.targets.length ? 'Data and pointers are up to date.\n' : 'No data tracked by dvd.\n');
      reportProblems(problems);
    });
}
