import { DvdError } from '../core/errors.js';
import type { ParamValue } from './stage.js';

export type ConditionOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A CI gate's condition: `acc >= 0.9`, `metrics.json:loss < 0.3`, `model == "linear"`. */
export interface MetricCondition {
  /** As typed. */
  text: string;
  /** When the key is written `FILE:KEY`. */
  file?: string;
  key: string;
  op: ConditionOp;
  /** A number, or (with == and !=) a string. */
  value: number | string;
}

export interface ConditionVerdict {
  condition: MetricCondition;
  ok: boolean;
  /** The metrics file and value the condition was checked against. */
  file?: string;
  actual?: ParamValue;
  /** Why it failed, when not because of the value (missing, ambiguous, not a number). */
  reason?: string;
}

const COND_RE = /^\s*(.+?)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$/;

/**
 * Parse `KEY OP VALUE`. OP is one of >= <= > < == !=; VALUE a number, or for == and !=
 * also a string (quotes optional). Throws EUSAGE (exit 2) naming the condition.
 */
export function parseCondition(text: string): MetricCondition {
  const m = COND_RE.exec(text);
  const bad = (why: string) => new DvdError('EUSAGE', `bad condition ${JSON.stringify(text)}: ${why}`, { exitCode: 2, hint: "write METRIC OP VALUE, e.g. 'acc >= 0.9' or 'metrics.json:loss < 0.3' (OP: >= <= > < == !=)" });
  if (!m) throw bad('no comparison');
  const [, left, op, right] = m;
  const colon = left.lastIndexOf(':');
  const file = colon > 0 ? left.slice(0, colon) : undefined;
  const key = colon > 0 ? left.slice(colon + 1) : left;
  if (!key || /\s/.test(key)) throw bad(`${JSON.stringify(left)} is not a metric name`);
  const unquoted = /^(["'])(.*)\1$/.exec(right)?.[2];
  const num = unquoted === undefined && right.trim() !== '' ? Number(right) : NaN;
  let value: number | string;
  if (Number.isFinite(num)) value = num;
  else if (op === '==' || op === '!=') value = unquoted ?? right;
  else throw bad(`${JSON.stringify(right)} is not a number`);
  return { text: text.trim(), ...(file ? { file } : {}), key, op: op as ConditionOp, value };
}

/**
 * Check `c` against a revision's metrics (file -> dotted key -> value). The key must be
 * in exactly one file, unless the condition names the file; a metric that is missing,
 * in several files, or not a number where a number is compared, fails with a reason.
 */
export function checkCondition(c: MetricCondition, files: Record<string, Record<string, ParamValue>>): ConditionVerdict {
  const holders = Object.keys(files).filter((f) => (c.file === undefined || f === c.file) && Object.prototype.hasOwnProperty.call(files[f], c.key));
  if (holders.length === 0) {
    const where = c.file ? (files[c.file] ? `in ${c.file}` : `(no metrics file ${c.file})`) : 'in any metrics file';
    return { condition: c, ok: false, reason: `no metric ${c.key} ${where}` };
  }
  if (holders.length > 1) return { condition: c, ok: false, reason: `${c.key} is in ${holders.join(' and ')}: write FILE:${c.key}` };
  const file = holders[0];
  const actual = files[file][c.key];
  if (typeof c.value === 'number' && typeof actual !== 'number') {
    return { condition: c, ok: false, file, actual, reason: `${c.key} is ${JSON.stringify(actual)}, not a number` };
  }
  let ok: boolean;
  switch (c.op) {
    case '>=': ok = (actual as number) >= (c.value as number); break;
    case '<=': ok = (actual as number) <= (c.value as number); break;
    case '>': ok = (actual as number) > (c.value as number); break;
    case '<': ok = (actual as number) < (c.value as number); break;
    case '==': ok = actual === c.value || String(actual) === String(c.value); break;
    case '!=': ok = !(actual === c.value || String(actual) === String(c.value)); break;
  }
  return { condition: c, ok, file, actual };
}
