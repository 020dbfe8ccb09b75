import { diffValues, type DiffRow } from '../pipeline/diffValues.js';
import { HistoryReader } from '../pipeline/HistoryReader.js';
import type { ApiContext } from './context.js';
import { revisionMetrics } from './metricsShow.js';
import { openExperiments } from './openExperiments.js';
import { readRevisionArg } from './readRevisionArg.js';

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

/**
 * `dvd exp diff [A [B]]`: params and metrics of two experiments (or revisions; default
 * HEAD and the workspace), only what differs unless `all`. Params come from the params
 * files (what each ran with), as in `exp show`.
 */
export async function expDiff(ctx: ApiContext, o: ExpDiffOptions = {}): Promise<ExpDiffResult> {
  const { root, repo } = openExperiments(ctx, 'dvd exp diff');
  const reader = new HistoryReader({ root, git: root, cacheDir: repo.cacheDir, stateDir: repo.stateDir });
  try {
    const ra = await readRevisionArg(reader, root, root, o.a ?? 'HEAD');
    const rb = await readRevisionArg(reader, root, root, o.b ?? 'workspace');
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
