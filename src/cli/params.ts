import type { Command } from 'commander';
import { makeContext, printJson } from './context.js';
import { diffJson, diffTable, reportUnreadable } from './metrics.js';
import { formatOptions, outputFormat, precisionOption, printTable, type FormatFlags } from './outputFormat.js';

export function registerParams(program: Command): void {
  const params = program.command('params').description('compare the params stages track');
  const diff = params
    .command('diff')
    .description('params that differ between two revisions (default: HEAD\'s dvd.lock against the params files in the workspace)')
    .argument('[a_rev]', 'old side (default: HEAD)')
    .argument('[b_rev]', 'new side (default: the workspace)')
    .option('--all', 'unchanged params too');
  formatOptions(diff);
  precisionOption(diff).action(async (a: string | undefined, b: string | undefined, opts: FormatFlags & { all?: boolean; precision?: number }, cmd: Command) => {
    const format = outputFormat(opts);
    const { paramsDiff } = await import('../api/paramsDiff.js');
    const r = await paramsDiff(makeContext(cmd), { a, b, all: opts.all });
    if (format === 'json') printJson({ a: r.a, b: r.b, params: diffJson(r.rows, false), errors: r.errors });
    else if (r.rows.length === 0) process.stderr.write(`No params changed between ${r.a.rev} and ${r.b.rev}.\n`);
    else printTable(diffTable(r.rows, { keyTitle: 'Param', a: r.a.rev, b: r.b.rev, change: false, precision: opts.precision }), format, { keep: 2 });
    reportUnreadable(r.errors, 'file');
  });
}
