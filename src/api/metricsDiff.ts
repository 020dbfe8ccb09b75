import { diffValues, type DiffRow } from '../pipeline/diffValues.js';
import type { ApiContext } from './context.js';
import { repoTargets, revisionMetrics } from './metricsShow.js';
import { openHistory, readRevisionArg } from './openHistory.js';

export interface MetricsDiffOptions {
  /** Default HEAD. */
  a?: string;
  /** Default the workspace. */
  b?: string;
  targets?: string[];
  /** Unchanged metrics too. */
  all?: boolean;
}

export interface MetricsDiffResult {
  a: { rev: string; commit: string | null };
  b: { rev: string; commit: string | null };
  rows: DiffRow[];
  /** Files that could not be read on either side (those sides show no values). */
  errors: string[];
}

/**
 * `dvd metrics diff [A [B]]`: every metric of A and B (default HEAD and the workspace),
 * old, new and change; only what differs unless `all`. Non-numbers are shown, with no
 * change. Read from Git and the cache; nothing is checked out.
 */
export async function metricsDiff(ctx: ApiContext, o: MetricsDiffOptions = {}): Promise<MetricsDiffResult> {
  const h = openHistory(ctx);
  try {
    const ra = await readRevisionArg(h, o.a ?? 'HEAD');
    const rb = await readRevisionArg(h, o.b ?? 'workspace');
    const targets = repoTargets(h.repo.root, ctx.cwd, o.targets ?? []);
    const ma = await revisionMetrics(h.reader, ra, targets);
    const mb = await revisionMetrics(h.reader, rb, targets);
    return {
      a: { rev: ma.rev, commit: ma.commit },
      b: { rev: mb.rev, commit: mb.commit },
      rows: diffValues(ma.files, mb.files, { all: o.all }),
      errors: [...ma.errors, ...mb.errors],
    };
  } finally {
    h.reader.save();
  }
}
