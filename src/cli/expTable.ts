import { usageError } from '../core/errors.js';
import type { ExpRow } from '../api/expShow.js';
import type { ParamValue } from '../pipeline/stage.js';
import { formatValue } from './formatValue.js';
import type { Table } from './table.js';

interface Column {
  /** Header: the key, or FILE:KEY when two files hold the key. */
  title: string;
  kind: 'metric' | 'param';
  file: string;
  key: string;
}

export interface ExpTableOptions {
  sortBy?: string;
  sortOrder?: 'asc' | 'desc';
  onlyChanged?: boolean;
  precision?: number;
  /** Text tables draw the experiments under their baseline (├──); md and csv do not. */
  tree: boolean;
}

function columnsOf(rows: ExpRow[], kind: 'metric' | 'param'): Column[] {
  const pairs = new Map<string, { file: string; key: string }>();
  for (const r of rows) {
    const vf = kind === 'metric' ? r.metrics : r.params;
    for (const [file, kv] of Object.entries(vf)) for (const key of Object.keys(kv)) pairs.set(`${file}\0${key}`, { file, key });
  }
  const all = [...pairs.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const count = new Map<string, number>();
  for (const p of all) count.set(p.key, (count.get(p.key) ?? 0) + 1);
  return all.map((p) => ({ ...p, kind, title: count.get(p.key)! > 1 ? `${p.file}:${p.key}` : p.key }));
}

const valueOf = (r: ExpRow, c: Column): ParamValue | undefined => (c.kind === 'metric' ? r.metrics : r.params)[c.file]?.[c.key];

/** `YYYY-MM-DD HH:MM` in local time. */
function when(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * The `dvd exp show` table: Experiment, rev, Created, State (when any experiment failed
 * or is queued), then the metrics and then the params as columns, so the columns that
 * matter most stay when a narrow terminal cuts from the right. `sortBy` sorts the
 * experiments under each baseline by a metric or param (missing values last);
 * `onlyChanged` drops columns whose value is the same in every row. Returns the rows in
 * the table's order too.
 */
export function expTable(rows: ExpRow[], o: ExpTableOptions): { table: Table; rows: ExpRow[] } {
  let cols = [...columnsOf(rows, 'metric'), ...columnsOf(rows, 'param')];
  let ordered = rows;
  if (o.sortBy) {
    const c = cols.find((x) => x.title === o.sortBy || `${x.file}:${x.key}` === o.sortBy) ?? cols.find((x) => x.key === o.sortBy);
    if (!c) throw usageError(`--sort-by ${o.sortBy}: no such metric or param`, `one of: ${cols.map((x) => x.title).join(', ') || '(none)'}`);
    const dir = o.sortOrder === 'desc' ? -1 : 1;
    const cmp = (a: ExpRow, b: ExpRow) => {
      const va = valueOf(a, c);
      const vb = valueOf(b, c);
      if (va === undefined || vb === undefined) return va === vb ? 0 : va === undefined ? 1 : -1;
      if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * dir;
      return String(va).localeCompare(String(vb)) * dir;
    };
    // Experiments move within their group (the runs of one baseline, or the queue); the
    // workspace and baseline rows stay where they are.
    ordered = [];
    for (let i = 0; i < rows.length; ) {
      if (rows[i].type === 'workspace' || rows[i].type === 'baseline') {
        ordered.push(rows[i++]);
        continue;
      }
      let j = i;
      while (j < rows.length && rows[j].type === rows[i].type && rows[j].baseline === rows[i].baseline) j++;
      ordered.push(...rows.slice(i, j).sort(cmp));
      i = j;
    }
  }
  if (o.onlyChanged) cols = cols.filter((c) => new Set(ordered.map((r) => JSON.stringify(valueOf(r, c) ?? null))).size > 1);
  const withState = ordered.some((r) => r.status === 'failed' || r.status === 'queued');
  const nameCell = (r: ExpRow, i: number) => {
    if (!o.tree || r.type === 'workspace' || r.type === 'baseline') return r.name;
    const next = ordered[i + 1];
    const last = !next || next.type === 'workspace' || next.type === 'baseline' || next.type !== r.type;
    return `${last ? '└──' : '├──'} ${r.name}`;
  };
  const table: Table = {
    header: ['Experiment', 'rev', 'Created', ...(withState ? ['State'] : []), ...cols.map((c) => c.title)],
    rows: ordered.map((r, i) => [
      nameCell(r, i),
      r.commit ? r.commit.slice(0, 7) : '-',
      when(r.created),
      ...(withState ? [r.status === 'failed' || r.status === 'queued' ? r.status : ''] : []),
      ...cols.map((c) => formatValue(valueOf(r, c), o.precision)),
    ]),
    align: ['left', 'left', 'left', ...(withState ? ['left' as const] : []), ...cols.map(() => 'right' as const)],
  };
  return { table, rows: ordered };
}
