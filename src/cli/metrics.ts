import type { Command } from 'commander';
import { DvdError } from '../core/errors.js';
import type { DiffRow } from '../pipeline/diffValues.js';
import type { ConditionVerdict } from '../pipeline/metricCondition.js';
import { makeContext, printJson } from './context.js';
import { formatChange, formatValue } from './formatValue.js';
import { formatOptions, outputFormat, precisionOption, printTable, type FormatFlags } from './outputFormat.js';

interface ShowFlags extends FormatFlags {
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  precision?: number;
}

/**
 * Print each unreadable file (and each revision with no results: a queued or failed
 * experiment) as a warning and fail at the end, as commands do for bad pointers.
 */
export function reportUnreadable(errors: string[], what: 'file' | 'plots file'): void {
  for (const e of errors) process.stderr.write(`warning: ${e}\n`);
  if (errors.length) {
    const none = errors.filter((e) => /: (queued, not run|failed, no results)$/.test(e)).length;
    const unreadable = errors.length - none;
    const parts = [...(unreadable ? [`${unreadable} ${what}${unreadable === 1 ? '' : 's'} could not be read`] : []), ...(none ? [`${none} revision${none === 1 ? ' has' : 's have'} no results`] : [])];
    throw new DvdError('EUNREADABLE', `${parts.join(', ')} (above); the others are shown`, {
      hint: unreadable ? 'fix the file and commit it; old revisions stay as they were' : 'a queued experiment has results once it runs (dvd exp run --run-all); dvd exp show lists its params',
    });
  }
}

/** Rows of a diff as old / new / change columns (metrics) or old / new (params). */
export function diffTable(rows: DiffRow[], o: { keyTitle: string; a: string; b: string; change: boolean; precision?: number }) {
  return {
    header: ['Path', o.keyTitle, o.a, o.b, ...(o.change ? ['Change'] : [])],
    rows: rows.map((r) => [r.path, r.key, formatValue(r.old, o.precision), formatValue(r.new, o.precision), ...(o.change ? [formatChange(r.change, o.precision)] : [])]),
    align: ['left', 'left', 'right', 'right', 'right'] as ('left' | 'right')[],
  };
}

/** A diff as JSON: file -> key -> {old, new[, change]}, absent sides as null. */
export function diffJson(rows: DiffRow[], change: boolean): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of rows) (out[r.path] ??= {})[r.key] = { old: r.old ?? null, new: r.new ?? null, ...(change ? { change: r.change } : {}) };
  return out;
}

function verdictLine(v: ConditionVerdict, precision?: number): string {
  const got = v.file ? `${v.file} ${v.condition.key} = ${formatValue(v.actual, precision)}` : '';
  const why = v.reason ?? got;
  return `${v.ok ? 'ok  ' : 'FAIL'}  ${v.condition.text}${why ? `  (${why})` : ''}`;
}

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('show, compare and check metrics files across revisions');

  const show = metrics
    .command('show')
    .description('metrics of the workspace (and of branches, tags or every commit)')
    .argument('[targets...]', 'metrics files (default: every stage\'s metrics)')
    .option('-a, --all-branches', 'every branch too')
    .option('-T, --all-tags', 'every tag too')
    .option('-A, --all-commits', 'every commit of HEAD, branches and tags too, newest first (experiments: dvd exp show)');
  formatOptions(show);
  precisionOption(show).action(async (targets: string[], opts: ShowFlags, cmd: Command) => {
    const format = outputFormat(opts);
    const { metricsShow } = await import('../api/metricsShow.js');
    const r = await metricsShow(makeContext(cmd), { targets, allBranches: opts.allBranches, allTags: opts.allTags, allCommits: opts.allCommits });
    const errors = r.revisions.flatMap((x) => x.errors);
    if (format === 'json') printJson(r);
    else {
      const shown = r.revisions.filter((x) => Object.keys(x.files).length > 0);
      const multi = r.revisions.length > 1;
      const keys = [...new Set(shown.flatMap((x) => Object.values(x.files).flatMap((kv) => Object.keys(kv))))].sort();
      if (shown.length === 0) {
        if (!errors.length) process.stderr.write('No metrics to show: no stage declares metrics files (metrics: in dvd.yaml), or none exists yet (run dvd repro).\n');
      } else {
        const rows = shown.flatMap((x) => Object.entries(x.files).map(([file, kv]) => [...(multi ? [x.rev] : []), file, ...keys.map((k) => formatValue(kv[k], opts.precision))]));
        const header = [...(multi ? ['Revision'] : []), 'Path', ...keys];
        printTable({ header, rows, align: header.map((_, i) => (i < (multi ? 2 : 1) ? 'left' : 'right')) }, format, { keep: multi ? 2 : 1 });
      }
    }
    reportUnreadable(errors, 'file');
  });

  const diff = metrics
    .command('diff')
    .description('compare metrics between two revisions (default: HEAD against the workspace)')
    .argument('[a_rev]', 'old side (default: HEAD)')
    .argument('[b_rev]', 'new side (default: the workspace)')
    .option('--targets <files...>', 'only these metrics files')
    .option('--all', 'unchanged metrics too');
  formatOptions(diff);
  precisionOption(diff).action(async (a: string | undefined, b: string | undefined, opts: FormatFlags & { all?: boolean; targets?: string[]; precision?: number }, cmd: Command) => {
    const format = outputFormat(opts);
    const { metricsDiff } = await import('../api/metricsDiff.js');
    const r = await metricsDiff(makeContext(cmd), { a, b, all: opts.all, targets: opts.targets });
    if (format === 'json') printJson({ a: r.a, b: r.b, metrics: diffJson(r.rows, true), errors: r.errors });
    else if (r.rows.length === 0) process.stderr.write(`No metrics changed between ${r.a.rev} and ${r.b.rev}.\n`);
    else printTable(diffTable(r.rows, { keyTitle: 'Metric', a: r.a.rev, b: r.b.rev, change: true, precision: opts.precision }), format, { keep: 2 });
    reportUnreadable(r.errors, 'file');
  });

  const check = metrics
    .command('check')
    .description("fail (exit 1) unless every condition holds: dvd metrics check 'acc >= 0.9' 'loss < 0.3'")
    .argument('<conditions...>', 'METRIC OP VALUE (OP: >= <= > < == !=); METRIC may be FILE:KEY')
    .option('--rev <rev>', 'check the metrics of this revision (default: the workspace)');
  formatOptions(check, ['json']);
  precisionOption(check).action(async (conditions: string[], opts: { rev?: string; json?: boolean; precision?: number }, cmd: Command) => {
    const { metricsCheck } = await import('../api/metricsCheck.js');
    const r = await metricsCheck(makeContext(cmd), { conditions, rev: opts.rev });
    if (opts.json) printJson(r);
    else process.stdout.write(r.verdicts.map((v) => `${verdictLine(v, opts.precision)}\n`).join(''));
    for (const e of r.errors) process.stderr.write(`warning: ${e}\n`);
    if (r.failed) {
      const bad = r.verdicts.filter((v) => !v.ok).map((v) => `${v.condition.text} (${v.reason ?? `${v.condition.key} = ${formatValue(v.actual, opts.precision)}`})`);
      throw new DvdError('ECHECK', `${r.failed} of ${r.verdicts.length} condition${r.verdicts.length === 1 ? '' : 's'} failed at ${r.rev}: ${bad.join('; ')}`);
    }
  });
}
