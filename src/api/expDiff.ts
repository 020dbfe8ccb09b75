import { DvdError } from '../core/errors.js';
import { diffValues, type DiffRow } from '../pipeline/diffValues.js';
import { HistoryReader, type Revision } from '../pipeline/HistoryReader.js';
import { resolveRev } from '../git/resolveRev.js';
import type { ApiContext } from './context.js';
import { findExperiment, listExperiments, type ExpEntry } from './listExperiments.js';
import { revisionMetrics } from './metricsShow.js';
import { openExperiments } from './openExperiments.js';

export interface ExpDiffOptions {
  /** An experiment name or a Git revision; default HEAD. */
  a?: string;
  /** Default the workspace. */
  b?: string;
  all?: boolean;
}

export interface ExpDiffResult {
  a: { name: string; commit: string | null };
  b: { name: string; commit: string | null };
  params: DiffRow[];
  metrics: DiffRow[];
  errors: string[];
}

/** An experiment by name, `workspace`, or any Git revision, read as a Revision. */
export async function readExpOrRev(reader: HistoryReader, root: string, exps: ExpEntry[], arg: string): Promise<Revision> {
  if (arg.toLowerCase() === 'workspace') return reader.workspace();
  if (exps.some((e) => e.name === arg || e.ref === arg)) return reader.revision(findExperiment(exps, arg, { queued: true }).commit, arg);
  try {
    return await reader.revision(await resolveRev(root, arg), arg);
  } catch (err) {
    if (err instanceof DvdError && err.code === 'EBADREV') findExperiment(exps, arg);
    throw err;
  }
}

/**
 * `dvd exp diff [A [B]]`: params and metrics of two experiments (or revisions; default
 * HEAD and the workspace), only what differs unless `all`. Params come from the params
 * files (what each ran with), as in `exp show`.
 */
export async function expDiff(ctx: ApiContext, o: ExpDiffOptions = {}): Promise<ExpDiffResult> {
  const { root, repo } = openExperiments(ctx, 'dvd exp diff');
  const reader = new HistoryReader({ root, git: root, cacheDir: repo.cacheDir, stateDir: repo.stateDir });
  try {
    const exps = await listExperiments(root);
    const ra = await readExpOrRev(reader, root, exps, o.a ?? 'HEAD');
    const rb = await readExpOrRev(reader, root, exps, o.b ?? 'workspace');
    const ma = await revisionMetrics(reader, ra);
    const mb = await revisionMetrics(reader, rb);
    return {
      a: { name: ra.label, commit: ra.commit },
      b: { name: rb.label, commit: rb.commit },
      params: diffValues(ra.summary?.params ?? {}, rb.summary?.params ?? {}, { all: o.all }),
      metrics: diffValues(ma.files, mb.files, { all: o.all }),
      errors: [...ma.errors, ...mb.errors],
    };
  } finally {
    reader.save();
  }
}
