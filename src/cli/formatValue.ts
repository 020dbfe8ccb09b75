import type { ParamValue } from '../pipeline/stage.js';

/** Digits after the decimal point in tables unless --precision says otherwise (DVC's default too). */
export const DEFAULT_PRECISION = 5;

/**
 * A value as a table cell: numbers rounded to `precision` digits after the point (0.1234567
 * -> 0.12346; integers as they are; from 1e12 up in exponent form: 1.92325e+31), absent as `-`, strings as written, lists and maps as
 * JSON. JSON output never rounds.
 */
export function formatValue(v: ParamValue | undefined, precision = DEFAULT_PRECISION): string {
  if (v === undefined) return '-';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    // A diverged loss (1.9e+31) in fixed notation would fill a terminal.
    if (Math.abs(v) >= 1e12) return v.toExponential(precision).replace(/\.?0+e/, 'e');
    return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(precision)));
  }
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A change with its sign (`+0.021`, `-3`), or `-` when there is none to show. */
export function formatChange(v: number | null, precision = DEFAULT_PRECISION): string {
  if (v === null) return '-';
  const s = formatValue(v, precision);
  return v > 0 ? `+${s}` : s;
}
