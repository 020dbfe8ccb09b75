import { InvalidArgumentError, type Command } from 'commander';
import { usageError } from '../core/errors.js';
import { renderTable, terminalWidth, type Table, type TableFormat } from './table.js';
import { DEFAULT_PRECISION } from './formatValue.js';

export interface FormatFlags {
  json?: boolean;
  md?: boolean;
  csv?: boolean;
}

/** Add `--json`, `--md` and `--csv` (only those in `which`) to a table command. */
export function formatOptions(cmd: Command, which: ('json' | 'md' | 'csv')[] = ['json', 'md', 'csv']): Command {
  if (which.includes('json')) cmd.option('--json', 'print one JSON document (values unrounded)');
  if (which.includes('md')) cmd.option('--md', 'print a Markdown table (for a pull-request comment)');
  if (which.includes('csv')) cmd.option('--csv', 'print CSV');
  return cmd;
}

/** The one output format asked for; two at once is a usage error. */
export function outputFormat(f: FormatFlags): TableFormat | 'json' {
  const asked = (['json', 'md', 'csv'] as const).filter((k) => f[k]);
  if (asked.length > 1) throw usageError(`choose one of ${asked.map((k) => `--${k}`).join(', ')}`);
  return asked[0] ?? 'text';
}

export function parsePrecision(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new InvalidArgumentError(`--precision expects a whole number from 0 to 20, got ${JSON.stringify(v)}`);
  return n;
}

export const precisionOption = (cmd: Command): Command =>
  cmd.option('--precision <n>', `digits after the decimal point in tables (default ${DEFAULT_PRECISION})`, parsePrecision);

/**
 * Print a table in `format` to stdout. A text table fits the terminal (`keep` leading
 * columns always stay); what was left out is named on stderr with the ways to see it.
 */
export function printTable(t: Table, format: TableFormat, o: { keep?: number; fit?: boolean } = {}): void {
  const { text, hidden } = renderTable(t, { format, width: format === 'text' && o.fit !== false ? terminalWidth() : undefined, keep: o.keep });
  process.stdout.write(text);
  if (hidden.length) {
    process.stderr.write(`(${hidden.length} more column${hidden.length === 1 ? '' : 's'} did not fit: ${hidden.join(', ')}; see them with --only-changed, --md, --csv or --json, or in a wider terminal)\n`);
  }
}
