import type { ParamValue } from './stage.js';

/** Values by file, then by dotted key (metrics or params of one revision). */
export type ValuesByFile = Record<string, Record<string, ParamValue>>;

/** One key compared between two revisions. */
export interface DiffRow {
  path: string;
  key: string;
  /** undefined: the key is absent on that side. */
  old?: ParamValue;
  new?: ParamValue;
  /** new - old when both are numbers; null otherwise (a string, a list, an absent side): shown, not diffed. */
  change: number | null;
}

const same = (a: ParamValue | undefined, b: ParamValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compare two revisions' values key by key, sorted by file then key. Only keys whose
 * value differs (or exists on one side only) unless `all`. The change of two numbers is
 * their difference, with binary floating-point noise rounded off (0.3 - 0.1 gives 0.2,
 * not 0.19999999999999998): 12 significant digits, far past any metric's precision.
 */
export function diffValues(a: ValuesByFile, b: ValuesByFile, o: { all?: boolean } = {}): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const path of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const ka = a[path] ?? {};
    const kb = b[path] ?? {};
    for (const key of [...new Set([...Object.keys(ka), ...Object.keys(kb)])].sort()) {
      const old = Object.prototype.hasOwnProperty.call(ka, key) ? ka[key] : undefined;
      const now = Object.prototype.hasOwnProperty.call(kb, key) ? kb[key] : undefined;
      if (!o.all && same(old, now)) continue;
      const change = typeof old === 'number' && typeof now === 'number' ? Number((now - old).toPrecision(12)) : null;
      const row: DiffRow = { path, key, change };
      if (old !== undefined) row.old = old;
      if (now !== undefined) row.new = now;
      rows.push(row);
    }
  }
  return rows;
}
