import { checkCondition, parseCondition, type ConditionVerdict } from '../pipeline/metricCondition.js';
import type { ApiContext } from './context.js';
import { revisionMetrics } from './metricsShow.js';
import { openHistory, readRevisionArg } from './openHistory.js';

export interface MetricsCheckOptions {
  /** Conditions as typed: `acc >= 0.9`. */
  conditions: string[];
  /** Default the workspace. */
  rev?: string;
}

export interface MetricsCheckResult {
  rev: string;
  commit: string | null;
  verdicts: ConditionVerdict[];
  /** How many conditions failed. */
  failed: number;
  /** Metrics files that could not be read there (their metrics count as missing). */
  errors: string[];
}

/**
 * `dvd metrics check COND...`: a CI gate. Every condition is checked against the metrics
 * of REV (default the workspace); the result says which failed and why (the CLI exits 1
 * then). Conditions are parsed before anything is read: a bad one is a usage error.
 */
export async function metricsCheck(ctx: ApiContext, o: MetricsCheckOptions): Promise<MetricsCheckResult> {
  const conditions = o.conditions.map(parseCondition);
  const h = openHistory(ctx);
  try {
    const rev = await readRevisionArg(h, o.rev ?? 'workspace');
    const m = await revisionMetrics(h.reader, rev);
    const verdicts = conditions.map((c) => checkCondition(c, m.files));
    return { rev: m.rev, commit: m.commit, verdicts, failed: verdicts.filter((v) => !v.ok).length, errors: m.errors };
  } finally {
    h.reader.save();
  }
}
