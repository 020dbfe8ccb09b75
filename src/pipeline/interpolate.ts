import type { ParamValue } from './stage.js';

// `${...}` substitution (DVC's templating, minus its dict-unpacking forms). A name is a
// dotted path into the context: params.yaml's keys, plus `item` and `key` inside a
// foreach/matrix body; list elements are reached with numbers (`${layers.0}`). `\${`
// stands for a literal `${`.

export type Context = Record<string, ParamValue>;

const VAR_RE = /\\?\$\{\s*([^}]*?)\s*\}/g;
const WHOLE_RE = /^\$\{\s*([^}]*?)\s*\}$/;

/** Thrown for a name the context does not have; the caller adds file, stage and field. */
export class UnknownVariable extends Error {
  constructor(readonly variable: string, readonly known: string[]) {
    super(`unknown variable \${${variable}}`);
  }
}

/** Thrown when a list or map is put inside a string. */
export class NotScalar extends Error {
  constructor(readonly variable: string) {
    super(`\${${variable}} is a list or map; only numbers, strings and booleans can go into text`);
  }
}

/** The value of dotted `name` in ctx, or throws UnknownVariable. */
export function lookupVariable(ctx: Context, name: string): ParamValue {
  let cur: ParamValue | undefined = ctx;
  for (const seg of name.split('.')) {
    if (Array.isArray(cur) && /^[0-9]+$/.test(seg)) cur = cur[Number(seg)];
    else if (typeof cur === 'object' && cur !== null && !Array.isArray(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) throw new UnknownVariable(name, Object.keys(ctx));
  }
  return cur;
}

/** True when the text holds a `${...}` to substitute. */
export function hasVariables(text: string): boolean {
  VAR_RE.lastIndex = 0;
  for (let m = VAR_RE.exec(text); m; m = VAR_RE.exec(text)) if (!m[0].startsWith('\\')) return true;
  return false;
}

/** Substitute every `${name}` in text with its scalar value (numbers as JS prints them). */
export function interpolate(text: string, ctx: Context): string {
  return text.replace(VAR_RE, (m, name: string) => {
    if (m.startsWith('\\')) return m.slice(1);
    const v = lookupVariable(ctx, name);
    if (typeof v === 'object' && v !== null) throw new NotScalar(name);
    return String(v);
  });
}

/** A value that is exactly `${name}` resolves to the named value itself (a list for foreach); else text substitution. */
export function interpolateValue(value: unknown, ctx: Context): unknown {
  if (typeof value !== 'string') return value;
  const whole = WHOLE_RE.exec(value);
  if (whole) return lookupVariable(ctx, whole[1]);
  return interpolate(value, ctx);
}
