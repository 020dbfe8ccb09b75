export type TableFormat = 'text' | 'md' | 'csv';

export interface Table {
  header: string[];
  rows: string[][];
  /** Per column; default left. Numbers read best right-aligned. */
  align?: ('left' | 'right')[];
}

export interface RenderOptions {
  format: TableFormat;
  /**
   * Text only: the terminal's width. Columns after the first `keep` are left out from the
   * right until the table fits; their headers come back in `hidden`.
   */
  width?: number;
  keep?: number;
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled. */
const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Longest text cell before it is cut with an ellipsis (fitting mode only). */
const MAX_CELL = 28;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A table as plain text (columns two spaces apart, like `git branch -v` or DVC), as a
 * Markdown table (pipes escaped; for pull-request comments), or as CSV (RFC 4180
 * quoting). Returns the text (ending in a newline) and the columns that did
 * not fit the width.
 */
export function renderTable(t: Table, o: RenderOptions): { text: string; hidden: string[] } {
  if (o.format === 'csv') return { text: [t.header, ...t.rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n', hidden: [] };
  if (o.format === 'md') {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
    const rule = `|${t.header.map((_, i) => (t.align?.[i] === 'right' ? '---:' : '---')).join('|')}|`;
    return { text: [line(t.header), rule, ...t.rows.map(line)].join('\n') + '\n', hidden: [] };
  }
  let cols = t.header.map((_, i) => i);
  let header = t.header;
  let rows = t.rows;
  const widthOf = (c: number[], h: string[], r: string[][]) => c.reduce((sum, _, k) => sum + Math.max(h[k].length, ...r.map((row) => row[k].length)), 0) + 2 * (c.length - 1);
  if (o.width !== undefined) {
    rows = rows.map((r) => r.map((c) => cut(c, MAX_CELL)));
    header = header.map((h) => cut(h, MAX_CELL));
    const keep = o.keep ?? 1;
    while (cols.length > keep && widthOf(cols, cols.map((i) => header[i]), rows.map((r) => cols.map((i) => r[i]))) > o.width) cols = cols.slice(0, -1);
  }
  const hidden = t.header.filter((_, i) => !cols.includes(i));
  const h = cols.map((i) => header[i]);
  const r = rows.map((row) => cols.map((i) => row[i]));
  const widths = h.map((x, k) => Math.max(x.length, ...r.map((row) => row[k].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, k) => (t.align?.[cols[k]] === 'right' ? c.padStart(widths[k]) : k === cells.length - 1 ? c : c.padEnd(widths[k])))
      .join('  ')
      .trimEnd();
  return { text: [fmt(h), ...r.map(fmt)].join('\n') + '\n', hidden };
}

/**
 * The width a text table may use: $COLUMNS when set, else the terminal's; undefined when
 * stdout is not a terminal (a pipe or a file gets every column).
 */
export function terminalWidth(): number | undefined {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}
