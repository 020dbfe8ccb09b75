import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { findRepoRoot } from '../core/repo.js';
import { makeContext, printJson } from './context.js';
import { printRemoteStatus } from './remoteStatus.js';
import { reasonsLine } from './reasonWords.js';
import type { StageReport } from '../api/repro.js';

/** `train: params.yaml train.lr 0.01 -> 0.02; dep data/prepared modified (3 files)` (the words of `repro --dry`). */
function stageStatusLine(s: StageReport): string {
  return `${s.stage}: ${reasonsLine(s.reasons)}${s.action === 'restore' ? ' (restorable from run cache)' : ''}`;
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
      // The pipeline half loads only where there is a dvd.yaml (it brings the YAML parser).
      const root = findRepoRoot(process.cwd());
      const st = root && fs.existsSync(path.join(root, 'dvd.yaml'))
        ? await (await import('../api/stageStatus.js')).stageStatus(makeContext(cmd), { targets })
        : { pipeline: false, stages: [], otherTargets: targets };
      const dataTargets = st.otherTargets;
      const r = targets.length > 0 && dataTargets.length === 0 ? { targets: [] } : await (await import('../api/status.js')).status(makeContext(cmd), { targets: dataTargets });
      if (opts.json) {
        printJson(st.pipeline ? { ...r, stages: st.stages } : r);
        return;
      }
      const lines: string[] = st.stages.map((s) => stageStatusLine(s));
      for (const t of r.targets) {
        if (t.state === 'unchanged' && !t.notInCache) continue;
        lines.push(`${t.pointerFile}:`);
        if (t.state === 'missing') lines.push(`\tdeleted:  ${t.target}  (run \`dvd checkout ${t.target}\` to restore)`);
        for (const p of t.added) lines.push(`\tadded:    ${p}`);
        for (const p of t.modified) lines.push(`\tmodified: ${p}`);
        for (const p of t.deleted) lines.push(`\tdeleted:  ${p}`);
        if (t.state === 'modified' && t.added.length + t.modified.length + t.deleted.length === 0) lines.push(`\tmodified: ${t.target}`);
        if (t.notInCache) lines.push('\tnot in cache (run `dvd pull` to fetch it)');
      }
      if (lines.length === 0 && st.pipeline) process.stdout.write('Data, pointers and stages are up to date.\n');
      else if (lines.length === 0) process.stdout.write(r.targets.length ? 'Data and pointers are up to date.\n' : 'No data tracked by dvd.\n');
      else process.stdout.write(`${lines.join('\n')}\n`);
    });
}
