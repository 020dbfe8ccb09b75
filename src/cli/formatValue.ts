import type { ParamValue } from '../pipeline/stage.js';

/** Digits after the decimal point in tables unless --precision says otherwise (DVC's default too). */
export const DEFAULT_PRECISION = 5;

/**
 * A value as a table cell: numbers rounded to `precision` digits after the point (0.1234567
 * -> 0.12346; integers as they are), absent as `-`, strings as written, lists and maps as
 * JSON. JSON output never rounds.
 */
export function formatValue(v: ParamValue | undefined, precision = DEFAULT_PRECISION): string {
  if (v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toFixed(precision)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A change with its sign (`+0.021`, `-3`), or `-` when there is none to show. */
export function formatChange(v: number | null, precision = DEFAULT_PRECISION): string {
  if (v === null) return '-';
  const s = formatValue(v, precision);
  return v > 0 ? `+${s}` : s;
}
