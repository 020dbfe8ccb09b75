import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { pipelineError } from './pipelineError.js';
import type { ParamValue } from './stage.js';
import { parseYamlSource, type ParseCache } from './yamlSource.js';
import { tomlModule } from './lazyModules.js';

export const DEFAULT_PARAMS = 'params.yaml';

/**
 * A params file's data by its extension: `.json` as JSON, `.toml` as TOML (smol-toml),
 * anything else as YAML 1.2. TOML dates become ISO strings. Returns null when the file
 * does not exist; a file that does not parse throws EPIPELINE naming it.
 * `label` is the path for messages (repo-relative).
 */
export function readParamsFile(abs: string, label: string, cache?: ParseCache): Record<string, ParamValue> | null {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  return parseParamsText(text, label, { cache });
}

/**
 * Parse params text named `label` (the extension decides the format). `what` names the
 * kind of file in errors (default 'a params file'); `cache` (.dvd/state) skips parsing YAML whose bytes did not change.
 */
export function parseParamsText(text: string, label: string, { what = 'a params file', cache }: { what?: string; cache?: ParseCache } = {}): Record<string, ParamValue> {
  const ext = path.extname(label).toLowerCase();
  let data: unknown;
  if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw pipelineError({ file: label }, `not valid JSON: ${(err as Error).message}`);
    }
  } else if (ext === '.toml') {
    try {
      data = normalizeToml(tomlModule().parse(text));
    } catch (err) {
      const e = err as { message: string; line?: number };
      throw pipelineError({ file: label, line: e.line }, `not valid TOML: ${e.message.split('\n')[0]}`);
    }
  } else {
    data = parseYamlSource(text, label, cache).value ?? {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw pipelineError({ file: label }, `${what} must hold a map of keys`);
  return data as Record<string, ParamValue>;
}

function normalizeToml(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(normalizeToml);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeToml(x)]));
  return v;
}

const isPlainMap = (v: unknown): v is Record<string, ParamValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at dotted key `a.b.c` (a literal key containing dots is found too), or undefined. */
export function paramAt(data: Record<string, ParamValue>, key: string): ParamValue | undefined {
  if (Object.prototype.hasOwnProperty.call(data, key)) return data[key];
  const dot = key.indexOf('.');
  if (dot === -1) return undefined;
  // Try every split point, longest first segment last: `a.b` may be a key itself.
  for (let i = dot; i !== -1; i = key.indexOf('.', i + 1)) {
    const head = key.slice(0, i);
    const v = Object.prototype.hasOwnProperty.call(data, head) ? data[head] : undefined;
    if (isPlainMap(v)) {
      const r = paramAt(v, key.slice(i + 1));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * Leaf values under `prefix` flattened to dotted keys (`train` -> `train.lr`, `train.epochs`).
 * Lists are leaves (kept whole); an empty map is a leaf too, so removing every key of it is
 * still a change.
 */
export function flattenParams(value: ParamValue, prefix: string, out: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  if (isPlainMap(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flattenParams(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

/** Object with keys sorted (so serialized params are byte-stable). */
export function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}
