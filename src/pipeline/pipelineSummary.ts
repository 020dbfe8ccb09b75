import type { LockFile } from './lockFile.js';
import { sortedRecord } from './readParamsFile.js';
import type { ParamValue, Pipeline, PlotProps } from './stage.js';

/** A metrics or plots file a stage declares: where its bytes are (Git, or the cache when `cache`). */
export interface DeclaredFile {
  /** Repo-relative POSIX path. */
  path: string;
  cache: boolean;
}

export interface DeclaredPlot extends DeclaredFile {
  props: PlotProps;
}

/** What history views need of a dvd.yaml: small, JSON, kept per commit in the history cache. */
export interface PipelineSummary {
  /** Every stage's `metrics:` files, sorted by path, each once. */
  metrics: DeclaredFile[];
  /** Every stage's `plots:` files, sorted by path, each once. */
  plots: DeclaredPlot[];
  /** Tracked params as the params files hold them: file -> dotted key -> value, sorted. */
  params: Record<string, Record<string, ParamValue>>;
}

/** What history views need of a dvd.lock: the params the runs used, and each output's oid. */
export interface LockSummary {
  /** params file -> dotted key -> value, merged over stages, sorted. */
  params: Record<string, Record<string, ParamValue>>;
  /** Output path -> its recorded oid (bare hex; a folder's is its manifest's) and file count. */
  outs: Record<string, { oid: string; files?: number }>;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The summary of an expanded pipeline. */
export function summarizePipeline(p: Pipeline): PipelineSummary {
  const metrics = new Map<string, DeclaredFile>();
  const plots = new Map<string, DeclaredPlot>();
  const params: Record<string, Record<string, ParamValue>> = {};
  for (const s of p.stages) {
    for (const o of s.outs) {
      if (o.kind === 'metric' && !metrics.has(o.path)) metrics.set(o.path, { path: o.path, cache: o.cache });
      if (o.kind === 'plot' && !plots.has(o.path)) plots.set(o.path, { path: o.path, cache: o.cache, props: o.plot ?? {} });
    }
    for (const sp of s.params) Object.assign((params[sp.file] ??= {}), sp.values);
  }
  const sortedParams: PipelineSummary['params'] = {};
  for (const f of Object.keys(params).sort()) sortedParams[f] = sortedRecord(params[f]);
  return { metrics: [...metrics.values()].sort(byPath), plots: [...plots.values()].sort(byPath), params: sortedParams };
}

/** The summary of a parsed dvd.lock. */
export function summarizeLock(lock: LockFile): LockSummary {
  const params: Record<string, Record<string, ParamValue>> = {};
  const outs: LockSummary['outs'] = {};
  for (const e of lock.values()) {
    for (const [f, kv] of Object.entries(e.params)) Object.assign((params[f] ??= {}), kv);
    for (const o of e.outs) outs[o.path] = o.files === undefined ? { oid: o.oid } : { oid: o.oid, files: o.files };
  }
  const sortedParams: LockSummary['params'] = {};
  for (const f of Object.keys(params).sort()) sortedParams[f] = sortedRecord(params[f]);
  return { params: sortedParams, outs };
}
