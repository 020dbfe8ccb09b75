import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { levenshteinModule, tomlModule, yamlModule } from './lazyModules.js';
import { DEFAULT_PARAMS, flattenParams, parseParamsText } from './readParamsFile.js';
import type { ParamValue } from './stage.js';

/** One `-S [FILE:]KEY=VALUE`. */
export interface ParamSet {
  /** As typed. */
  text: string;
  /** Repo-relative params file (default params.yaml). */
  file: string;
  key: string;
  /** VALUE read as YAML would read it: `0.01` a number, `true` a boolean, `[1, 2]` a list, `relu` a string. */
  value: ParamValue;
}

const usage = (msg: string, hint?: string) => new DvdError('EUSAGE', msg, { exitCode: 2, hint });

/** Parse `-S` arguments (DVC's syntax: `[FILE:]KEY=VALUE`); EUSAGE (exit 2) for one that is not. */
export function parseParamSet(text: string): ParamSet {
  const eq = text.indexOf('=');
  if (eq <= 0) throw usage(`-S ${JSON.stringify(text)}: expected [FILE:]KEY=VALUE`, 'e.g. -S train.lr=0.01 or -S params.yaml:train.lr=0.01');
  const left = text.slice(0, eq).trim();
  const colon = left.lastIndexOf(':');
  const file = colon > 0 ? left.slice(0, colon) : DEFAULT_PARAMS;
  const key = colon > 0 ? left.slice(colon + 1) : left;
  if (!key) throw usage(`-S ${JSON.stringify(text)}: no key before =`);
  const raw = text.slice(eq + 1);
  let value: ParamValue;
  try {
    value = raw.trim() === '' ? '' : (yamlModule().parse(raw, { schema: 'core' }) as ParamValue);
  } catch {
    value = raw;
  }
  return { text, file: path.posix.normalize(file.replace(/\\/g, '/')), key, value };
}

/** The path of map keys leading to dotted `key` in `data` (a key holding dots is found too), or null. */
function keyPath(data: Record<string, ParamValue>, key: string): string[] | null {
  if (Object.prototype.hasOwnProperty.call(data, key)) return [key];
  for (let i = key.indexOf('.'); i !== -1; i = key.indexOf('.', i + 1)) {
    const head = key.slice(0, i);
    const v = Object.prototype.hasOwnProperty.call(data, head) ? data[head] : undefined;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const rest = keyPath(v, key.slice(i + 1));
      if (rest) return [head, ...rest];
    }
  }
  return null;
}

/**
 * `text` of params file `file` with `sets` applied, in the file's own format: YAML
 * through the yaml package's document model (comments and layout kept), JSON with its
 * indentation, TOML re-written by smol-toml (its comments are lost). Every key must
 * exist already (a typo would otherwise run a whole experiment with the old value):
 * EUSAGE names the key, the file, and the closest existing key.
 */
export function applyParamSets(text: string, file: string, sets: ParamSet[]): string {
  const data = parseParamsText(text, file);
  const paths = sets.map((s) => {
    const p = keyPath(data, s.key);
    if (!p) {
      const keys = Object.keys(flattenParams(data, ''));
      const { closest } = levenshteinModule();
      const near = keys.length ? closest(s.key, keys) : undefined;
      throw usage(`-S ${s.text}: ${file} has no key ${s.key}${near ? ` (did you mean ${near}?)` : ''}`, `-S changes existing params only; add ${s.key} to ${file} first`);
    }
    return p;
  });
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '';
    sets.forEach((s, i) => setIn(data, paths[i], s.value));
    return `${JSON.stringify(data, null, indent || undefined)}${text.endsWith('\n') ? '\n' : ''}`;
  }
  if (ext === '.toml') {
    sets.forEach((s, i) => setIn(data, paths[i], s.value));
    return tomlModule().stringify(data);
  }
  const doc = yamlModule().parseDocument(text, { schema: 'core' });
  sets.forEach((s, i) => doc.setIn(paths[i], s.value));
  return doc.toString({ lineWidth: 0 });
}

function setIn(data: Record<string, ParamValue>, p: string[], value: ParamValue): void {
  let cur = data;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, ParamValue>;
  cur[p[p.length - 1]] = value;
}

/** Group sets by params file, in first-mention order. */
export function setsByFile(sets: ParamSet[]): Map<string, ParamSet[]> {
  const m = new Map<string, ParamSet[]>();
  for (const s of sets) m.set(s.file, [...(m.get(s.file) ?? []), s]);
  return m;
}
