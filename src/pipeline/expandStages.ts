import path from 'node:path';
import { checkRelPath } from '../core/relPath.js';
import { interpolate, interpolateValue, NotScalar, UnknownVariable, type Context } from './interpolate.js';
import type { DvdYaml, RawOut, RawStage, StageTemplate } from './parseDvdYaml.js';
import { didYouMean } from './parseDvdYaml.js';
import { pipelineError, type Line } from './pipelineError.js';
import { DEFAULT_PARAMS, flattenParams, paramAt, sortedRecord } from './readParamsFile.js';
import type { ParamValue, PlotProps, Stage, StageOut, StageParams } from './stage.js';

export interface ExpandOptions {
  /** Params file data by repo-relative path; null when the file does not exist. */
  readParams: (repoPath: string) => Record<string, ParamValue> | null;
}

type Where = { file: string; line?: Line; stage: string; field?: string };

/**
 * Expand foreach/do and matrix templates into stages named `name@key`, substitute
 * `${...}` from params.yaml (and `item`/`key`), resolve paths against `wdir` to
 * repo-relative form, and read the tracked params values. Throws EPIPELINE naming the
 * stage and field for unknown variables, missing params keys or files, unsafe paths and
 * duplicate names.
 */
export function expandStages(doc: DvdYaml, o: ExpandOptions): Stage[] {
  const file = doc.source.file;
  const globals: Context = o.readParams(DEFAULT_PARAMS) ?? {};
  const out: Stage[] = [];
  const names = new Map<string, string>();
  for (const t of doc.stages) {
    for (const { name, ctx } of instances(t, globals, file)) {
      const prev = names.get(name);
      if (prev !== undefined) throw pipelineError({ file, line: t.line, stage: name }, `defined twice (also by stage ${prev})`);
      names.set(name, t.name);
      out.push(resolveStage(name, t, ctx, file, o));
    }
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, ParamValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function substituted<T>(where: Where, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UnknownVariable) {
      const top = err.variable.split('.')[0];
      throw pipelineError(where, `${err.message}${didYouMean(top, err.known)}`, `variables come from ${DEFAULT_PARAMS} (and item/key inside foreach and matrix)`);
    }
    if (err instanceof NotScalar) throw pipelineError(where, err.message);
    throw err;
  }
}

function instances(t: StageTemplate, globals: Context, file: string): { name: string; ctx: Context }[] {
  const where = (field: string): Where => ({ file, line: t.line, stage: t.name, field });
  if (t.foreach !== undefined) {
    const each = substituted(where('foreach'), () => interpolateValue(t.foreach, globals));
    if (Array.isArray(each)) {
      return each.map((item, i) => ({ name: `${t.name}@${isScalar(item) ? String(item) : i}`, ctx: { ...globals, item: item as ParamValue } }));
    }
    if (isMap(each)) return Object.entries(each).map(([key, item]) => ({ name: `${t.name}@${key}`, ctx: { ...globals, key, item } }));
    throw pipelineError(where('foreach'), 'must resolve to a list or a map');
  }
  if (t.matrix) {
    let combos: { key: string[]; item: Record<string, ParamValue> }[] = [{ key: [], item: {} }];
    for (const [dim, raw] of Object.entries(t.matrix)) {
      const values = substituted(where(`matrix.${dim}`), () => interpolateValue(raw, globals));
      if (!Array.isArray(values) || values.length === 0) throw pipelineError(where(`matrix.${dim}`), 'must resolve to a non-empty list');
      const next: typeof combos = [];
      for (const c of combos) {
        values.forEach((v, i) => next.push({ key: [...c.key, isScalar(v) ? String(v) : `${dim}${i}`], item: { ...c.item, [dim]: v as ParamValue } }));
      }
      combos = next;
    }
    return combos.map((c) => ({ name: `${t.name}@${c.key.join('-')}`, ctx: { ...globals, item: c.item } }));
  }
  return [{ name: t.name, ctx: globals }];
}

/** Normalize `p` (relative to repo folder `base`) to a repo-relative POSIX path, refusing escapes. */
export function repoPathOf(base: string, p: string, where: Where): string {
  if (path.posix.isAbsolute(p) || p.includes('\\')) throw pipelineError(where, `${JSON.stringify(p)}: paths must be relative to dvd.yaml's folder (with '/' separators)`);
  const joined = path.posix.normalize(base === '' ? p : `${base}/${p}`).replace(/\/+$/, '');
  if (joined === '.' || joined === '') return '';
  if (joined === '..' || joined.startsWith('../')) throw pipelineError(where, `${JSON.stringify(p)} is outside the repository`);
  try {
    return checkRelPath(joined, p);
  } catch (err) {
    throw pipelineError(where, (err as Error).message);
  }
}

function resolveStage(name: string, t: StageTemplate, ctx: Context, file: string, o: ExpandOptions): Stage {
  const body: RawStage = t.body;
  const where = (field: string): Where => ({ file, line: t.line, stage: name, field });
  const text = (field: string, s: string) => substituted(where(field), () => interpolate(s, ctx));
  const cmd = body.cmd.map((c) => text('cmd', c));
  const wdir = body.wdir === undefined ? '' : repoPathOf('', text('wdir', body.wdir), where('wdir'));
  const deps = [...new Set(body.deps.map((d) => repoPathOf(wdir, text('deps', d), where('deps'))))].sort();
  if (deps.includes('')) throw pipelineError(where('deps'), 'the whole repository cannot be a dependency');

  const params: StageParams[] = [];
  const byFile = new Map<string, StageParams>();
  for (const p of body.params) {
    const fileRel = repoPathOf(wdir, p.file === null ? DEFAULT_PARAMS : text('params', p.file), where('params'));
    const data = o.readParams(fileRel);
    if (data === null) {
      throw pipelineError(where('params'), `params file ${fileRel} does not exist`, p.file === null ? `create ${fileRel}, or name another file: params: [{FILE: [keys]}]` : undefined);
    }
    let entry = byFile.get(fileRel);
    if (!entry) {
      entry = { file: fileRel, keys: [], values: {} };
      byFile.set(fileRel, entry);
      params.push(entry);
    }
    if (p.keys === null) {
      entry.keys = null;
      Object.assign(entry.values, flattenParams(data, ''));
      continue;
    }
    for (const rawKey of p.keys) {
      const key = text('params', rawKey);
      const v = paramAt(data, key);
      if (v === undefined) {
        throw pipelineError(where('params'), `key "${key}" is not in ${fileRel}${didYouMean(key, Object.keys(flattenParams(data, '')))}`);
      }
      if (entry.keys) entry.keys.push(key);
      Object.assign(entry.values, flattenParams(v, key));
    }
  }
  for (const p of params) {
    p.values = sortedRecord(p.values);
    if (p.keys) p.keys = [...new Set(p.keys)].sort();
  }
  params.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const outs: StageOut[] = [];
  const seen = new Set<string>();
  const addOuts = (list: RawOut[], kind: StageOut['kind'], field: string) => {
    for (const raw of list) {
      const p = repoPathOf(wdir, text(field, raw.path), where(field));
      if (p === '') throw pipelineError(where(field), 'the whole repository cannot be an output');
      if (seen.has(p)) throw pipelineError(where(field), `${p} is listed twice`);
      seen.add(p);
      const out: StageOut = { path: p, cache: raw.props.cache !== false, persist: raw.props.persist === true, kind };
      if (kind === 'plot') {
        const plot: PlotProps = {};
        for (const k of ['x', 'y', 'template', 'title', 'x_label', 'y_label'] as const) {
          if (raw.props[k] !== undefined) (plot as Record<string, unknown>)[k] = raw.props[k];
        }
        out.plot = plot;
      }
      outs.push(out);
    }
  };
  addOuts(body.outs, 'out', 'outs');
  addOuts(body.metrics, 'metric', 'metrics');
  addOuts(body.plots, 'plot', 'plots');
  outs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name, cmd, wdir, deps, params, outs, frozen: body.frozen, alwaysChanged: body.always_changed, desc: body.desc, line: t.line };
}
