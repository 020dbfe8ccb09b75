import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { uniqueProblems } from '../core/pointerProblem.js';
import { findRepoRoot } from '../core/repo.js';
import { makeContext, printJson, userPaths } from './context.js';
import { printRemoteStatus } from './remoteStatus.js';
import { reasonsLine } from './reasonWords.js';
import { reportProblems } from './reportProblems.js';
import type { StageReport } from '../api/repro.js';
import type { UserPaths } from '../core/userPaths.js';

/** `train: params.yaml train.lr 0.01 -> 0.02; dep data/prepared modified (3 files)` (the words of `repro --dry`). */
function stageStatusLine(s: StageReport, paths: UserPaths): string {
  return `${s.stage}: ${reasonsLine(s.reasons, paths)}${s.action === 'restore' ? ' (restorable from run cache)' : ''}`;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show tracked data that differs from its pointer')
    .argument('[targets...]', 'tracked targets (default: all)')
    .option('--json', 'print one JSON document')
    .option('-r, --remote [name]', 'compare the cache with a remote (default: core.remote) instead of the workspace')
    .action(async (targets: string[], opts: { json?: boolean; remote?: string | true }, cmd: Command) => {
      if (opts.remote !== undefined) return printRemoteStatus(cmd, targets, opts.remote === true ? undefined : opts.remote, opts.json);
      const ctx = makeContext(cmd);
      // The pipeline half loads only where there is a dvd.yaml (it brings the YAML parser).
      const root = findRepoRoot(ctx.cwd);
      const st = root && fs.existsSync(path.join(root, 'dvd.yaml'))
        ? await (await import('../api/stageStatus.js')).stageStatus(ctx, { targets })
        : { pipeline: false, stages: [], otherTargets: targets, problems: [] };
      const dataTargets = st.otherTargets;
      const r = targets.length > 0 && dataTargets.length === 0 ? { targets: [], problems: [] } : await (await import('../api/status.js')).status(ctx, { targets: dataTargets });
      const problems = uniqueProblems([...st.problems, ...r.problems]);
      if (opts.json) {
        printJson(st.pipeline ? { ...r, stages: st.stages, problems } : r);
        reportProblems(problems);
        return;
      }
      const paths = userPaths(ctx);
      const show = (p: string) => paths.show(p);
      const lines: string[] = st.stages.map((s) => stageStatusLine(s, paths));
      for (const t of r.targets) {
        if (t.state === 'unchanged' && !t.notInCache) continue;
        lines.push(`${show(t.pointerFile)}:`);
        if (t.state === 'missing') lines.push(`\tdeleted:  ${show(t.target)}  (run \`${paths.command('dvd checkout', [t.target])}\` to restore)`);
        for (const p of t.added) lines.push(`\tadded:    ${show(p)}`);
        for (const p of t.modified) lines.push(`\tmodified: ${show(p)}`);
        for (const p of t.deleted) lines.push(`\tdeleted:  ${show(p)}`);
        for (const p of t.relink) lines.push(`\trelink:   ${show(p)}  (dvd's link, not into this repository's cache; \`dvd checkout\` re-creates it)`);
        if (t.state === 'modified' && t.added.length + t.modified.length + t.deleted.length + t.relink.length === 0) lines.push(`\tmodified: ${show(t.target)}`);
        if (t.notInCache) lines.push('\tnot in cache (run `dvd pull` to fetch it)');
      }
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
      else if (problems.length === 0 && st.pipeline) process.stdout.write('Data, pointers and stages are up to date.\n');
      else if (problems.length === 0) process.stdout.write(r.targets.length ? 'Data and pointers are up to date.\n' : 'No data tracked by dvd.\n');
      reportProblems(problems);
    });
}
