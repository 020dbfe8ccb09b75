import type { ValuesByFile } from '../pipeline/diffValues.js';
import type { ExpStatus } from '../pipeline/expRecord.js';
import { HistoryReader, type Revision } from '../pipeline/HistoryReader.js';
import type { ApiContext } from './context.js';
import { revisionMetrics } from './metricsShow.js';
import { listExperiments, type ExpEntry } from './listExperiments.js';
import { headCommit, openExperiments } from './openExperiments.js';
import { listBranches } from '../git/listRefs.js';

export interface ExpShowOptions {
  /** Experiments of every baseline, not only of HEAD. */
  all?: boolean;
}

export interface ExpRow {
  /** `workspace`, the baseline's branch (or short hash), or the experiment's name. */
  name: string;
  type: 'workspace' | 'baseline' | 'experiment' | 'queued';
  /** null for the workspace. */
  commit: string | null;
  /** The commit an experiment started from (for the baseline row: itself). */
  baseline: string | null;
  status: ExpStatus | null;
  /** Commit time, ISO. */
  created: string | null;
  started?: string;
  finished?: string;
  /** The -S arguments it ran with. */
  sets?: string[];
  error?: string;
  /** Params as the params files held them (what the experiment ran with). */
  params: ValuesByFile;
  /** Metrics it produced; empty for queued and failed experiments (failures are not results). */
  metrics: ValuesByFile;
  /** Files that could not be read there. */
  errors: string[];
}

export interface ExpShowResult {
  rows: ExpRow[];
}

async function rowOf(reader: HistoryReader, rev: Revision, base: Omit<ExpRow, 'params' | 'metrics' | 'errors' | 'created'>): Promise<ExpRow> {
  const failedOrQueued = base.status === 'failed' || base.status === 'queued';
  const m = failedOrQueued ? { files: {}, errors: [] as string[] } : await revisionMetrics(reader, rev);
  return {
    ...base,
    created: rev.time ? new Date(rev.time * 1000).toISOString() : null,
    params: rev.summary?.params ?? {},
    metrics: m.files,
    errors: [...(failedOrQueued ? rev.errors : []), ...m.errors],
  };
}

/**
 * `dvd exp show`: the workspace, the baseline (HEAD) and each experiment started from it
 * (with `all`, from any commit: baselines are then listed too), oldest first, queued
 * ones last. Params are read from the params files at each commit (what the experiment
 * ran with); metrics from its committed or cached metrics files. Failed and queued
 * experiments show their params and status, never metrics. Everything is read from Git
 * objects through the history cache.
 */
export async function expShow(ctx: ApiContext, o: ExpShowOptions = {}): Promise<ExpShowResult> {
  const ex = openExperiments(ctx, 'dvd exp show');
  const { root, repo } = ex;
  const reader = new HistoryReader({ root, git: root, cacheDir: repo.cacheDir, stateDir: repo.stateDir });
  try {
    const head = await headCommit(root);
    const branches = await listBranches(root);
    const nameOf = (commit: string) => branches.find((b) => b.oid === commit)?.name ?? commit.slice(0, 7);
    const exps = (await listExperiments(root)).filter((e) => o.all || e.baseline === head);
    const rows: ExpRow[] = [await rowOf(reader, reader.workspace(), { name: 'workspace', type: 'workspace', commit: null, baseline: head, status: null })];
    const baselines = [head, ...new Set(exps.map((e) => e.baseline).filter((b) => b !== head))];
    const byBaseline = (b: string, queued: boolean) => exps.filter((e) => e.baseline === b && e.queued === queued);
    const later: Promise<ExpRow>[] = [];
    for (const b of baselines) {
      later.push(reader.revision(b, nameOf(b)).then((rev) => rowOf(reader, rev, { name: nameOf(b), type: 'baseline', commit: b, baseline: b, status: null })));
      for (const e of byBaseline(b, false)) later.push(expRow(reader, e));
    }
    for (const b of baselines) for (const e of byBaseline(b, true)) later.push(expRow(reader, e));
    // All rows at once: their reads share the cat-file pipe (see openHistory.readScope).
    rows.push(...(await Promise.all(later)));
    return { rows };
  } finally {
    reader.save();
  }
}

async function expRow(reader: HistoryReader, e: ExpEntry): Promise<ExpRow> {
  const rec = e.record;
  const status: ExpStatus = e.queued ? 'queued' : (rec?.status ?? 'success');
  return rowOf(reader, await reader.revision(e.commit, e.name), {
    name: e.name,
    type: e.queued ? 'queued' : 'experiment',
    commit: e.commit,
    baseline: e.baseline,
    status,
    ...(rec?.started ? { started: rec.started } : {}),
    ...(rec?.finished ? { finished: rec.finished } : {}),
    ...(rec?.sets.length ? { sets: rec.sets } : {}),
    ...(rec?.error ? { error: rec.error } : {}),
  });
}
