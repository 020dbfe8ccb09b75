import { diffValues, type DiffRow } from '../pipeline/diffValues.js';
import type { Revision } from '../pipeline/HistoryReader.js';
import type { ValuesByFile } from '../pipeline/diffValues.js';
import type { ApiContext } from './context.js';
import { openHistory, readRevisionArg } from './openHistory.js';

export interface ParamsDiffOptions {
  /** Default HEAD. */
  a?: string;
  /** Default the workspace. */
  b?: string;
  /** Unchanged params too. */
  all?: boolean;
}

export interface ParamsDiffResult {
  a: { rev: string; commit: string | null };
  b: { rev: string; commit: string | null };
  rows: DiffRow[];
  errors: string[];
}

/**
 * The params a revision stands for: at a commit, those its dvd.lock records (what the
 * runs used; none for a queued or failed experiment, whose dvd.lock is the baseline's);
 * in the workspace, the tracked keys as the params files hold them now.
 */
export function paramsOf(rev: Revision): ValuesByFile {
  return rev.commit === null ? (rev.summary?.params ?? {}) : (rev.lock?.params ?? {});
}

/**
 * `dvd params diff [A [B]]`: tracked params of A and B (default HEAD and the workspace),
 * only those that differ unless `all`. Read from Git objects; nothing is checked out.
 */
export async function paramsDiff(ctx: ApiContext, o: ParamsDiffOptions = {}): Promise<ParamsDiffResult> {
  const h = openHistory(ctx);
  try {
    const ra = await readRevisionArg(h, o.a ?? 'HEAD');
    const rb = await readRevisionArg(h, o.b ?? 'workspace');
    return {
      a: { rev: ra.label, commit: ra.commit },
      b: { rev: rb.label, commit: rb.commit },
      rows: diffValues(paramsOf(ra), paramsOf(rb), { all: o.all }),
      errors: [...ra.errors, ...rb.errors],
    };
  } finally {
    h.reader.save();
  }
}
