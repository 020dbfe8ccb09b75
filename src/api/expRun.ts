import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { deleteRef, updateRef } from '../git/updateRef.js';
import { checkExpName, expMessage, expRef, queueRef, randomExpName, type ExpRecord, type ExpStatus } from '../pipeline/expRecord.js';
import type { ApiContext } from './context.js';
import { checkNewExpName } from './checkNewExpName.js';
import { snapshotExperiment } from './expSnapshot.js';
import { listExperiments, type ExpEntry } from './listExperiments.js';
import { headCommit, openExperiments, paramTexts } from './openExperiments.js';
import { repro, type ReproOptions, type ReproResult } from './repro.js';
import { status } from './status.js';

export interface ExpRunOptions {
  /** `-S [FILE:]KEY=VALUE` arguments. */
  sets?: string[];
  /** Default: a random name like `brisk-otter`. */
  name?: string;
  /** Queue it (run later by `--run-all`) instead of running it now. */
  queue?: boolean;
  /** Stages to reproduce (default all). */
  targets?: string[];
  /** Replace an experiment of the same name. */
  force?: boolean;
  /** How repro reports (the CLI's printers). */
  repro?: Pick<ReproOptions, 'output' | 'onEvent' | 'jobs'>;
}

export interface ExpRunResult {
  name: string;
  ref: string;
  commit: string;
  baseline: string;
  status: ExpStatus;
  error?: string;
  started?: string;
  finished?: string;
  /** What repro did (not for queued experiments, nor when it could not start). */
  repro?: ReproResult;
  /** Untracked files left out of the experiment's commit (warned about; `git add` takes them in). */
  untracked: string[];
}

/**
 * A name for a new experiment: the one asked for (checked; EEXISTS when taken unless
 * `force`), or a random one no experiment has. Names are unique across baselines, so a
 * name is all `apply`, `branch`, `remove` and `diff` need.
 */
export function chooseName(all: ExpEntry[], name: string | undefined, force: boolean): string {
  const taken = new Set(all.map((e) => e.name));
  if (name !== undefined) {
    checkExpName(name);
    if (taken.has(name) && !force) {
      throw new DvdError('EEXISTS', `an experiment called ${name} exists already`, { hint: 'choose another -n, replace it with -f, or dvd exp remove it first' });
    }
    return name;
  }
  for (let i = 0; i < 50; i++) {
    const n = randomExpName();
    if (!taken.has(n)) return n;
  }
  let k = 2;
  while (taken.has(`exp-${k}`)) k++;
  return `exp-${k}`;
}

/**
 * EDATACHANGED when dvd-tracked data (a `.dvd` pointer's target; stage outputs are
 * dvd.lock's) differs from its pointer: an experiment must be reproducible from its
 * commit, and the commit would hold the old pointer with a dvd.lock naming the new data
 * (or, queued, the run would use the pointer's data, not what the workspace shows).
 * Checked before anything runs or is written; `dvd commit TARGET` records the data first.
 */
export async function refuseChangedData(ctx: ApiContext): Promise<void> {
  const changed = (await status(ctx)).targets.filter((t) => t.state === 'modified').map((t) => t.target);
  if (!changed.length) return;
  const names = changed.slice(0, 10).join(' ') + (changed.length > 10 ? ' ...' : '');
  throw new DvdError('EDATACHANGED', `tracked data differs from its pointer: ${changed.join(', ')}; an experiment must be reproducible from its commit, which would name the old data`, {
    hint: `record it first: dvd commit ${names} (or drop the change: dvd checkout -f ${names})`,
  });
}

/** Point the experiment's ref at `commit`, dropping refs of the same name it replaces. */
export function recordExperiment(root: string, all: ExpEntry[], name: string, ref: string, commit: string, force: boolean): void {
  updateRef(root, ref, commit, { create: !force, message: `dvd exp ${name}` });
  for (const old of all) if (old.name === name && old.ref !== ref) deleteRef(root, old.ref);
}

/**
 * `dvd exp run`: apply the -S changes to the params files, run `dvd repro` here in the
 * workspace, and record the result as a commit under refs/exps/<baseline>/<name> (its
 * parent the baseline, HEAD; no branch moves; the workspace keeps the results): tracked
 * files and what dvd and the pipeline write, not other untracked files (snapshotExperiment). A repro
 * that fails is recorded too, as failed (with its error), never as a result. With
 * `queue`, nothing runs: the workspace with the changes applied is recorded under
 * refs/exps/queue/<name> for `--run-all`, and the workspace is left as it was. Bad -S
 * arguments and tracked data that differs from its pointer (refuseChangedData) are
 * refused before anything is written.
 */
export async function expRun(ctx: ApiContext, o: ExpRunOptions = {}): Promise<ExpRunResult> {
  const ex = openExperiments(ctx, 'dvd exp run');
  const { root } = ex;
  const { sets, texts } = paramTexts(root, o.sets ?? []);
  const baseline = await headCommit(root);
  if (o.name !== undefined) checkNewExpName(root, o.name);
  const all = await listExperiments(root);
  const name = chooseName(all, o.name, !!o.force);
  await refuseChangedData(ctx);
  const rec: ExpRecord = { name, status: 'queued', sets: sets.map((s) => s.text), targets: o.targets ?? [] };
  if (o.queue) {
    rec.queued = new Date().toISOString();
    const ref = queueRef(name);
    const { commit, untracked } = snapshotExperiment(ctx, root, { parent: baseline, message: expMessage(rec), replace: texts });
    recordExperiment(root, all, name, ref, commit, !!o.force);
    return { name, ref, commit, baseline, status: 'queued', untracked };
  }
  for (const [file, text] of Object.entries(texts)) writeFileAtomic(path.join(root, file), text);
  rec.started = new Date().toISOString();
  let result: ReproResult | undefined;
  let interrupted: unknown = null;
  try {
    result = await repro(ctx, { ...o.repro, targets: o.targets });
    rec.status = result.failed.length ? 'failed' : 'success';
    if (result.failed.length) rec.error = result.stages.filter((s) => s.action === 'failed').map((s) => `stage ${s.stage} failed: ${s.error}`).join('; ');
  } catch (err) {
    if (!(err instanceof DvdError)) throw err;
    rec.status = 'failed';
    rec.error = err.message;
    if (err.code === 'EINTERRUPTED') interrupted = err;
  }
  rec.finished = new Date().toISOString();
  const ref = expRef(baseline, name);
  const { commit, untracked } = snapshotExperiment(ctx, root, { parent: baseline, message: expMessage(rec) });
  recordExperiment(root, all, name, ref, commit, !!o.force);
  if (interrupted) throw interrupted;
  return { name, ref, commit, baseline, status: rec.status, error: rec.error, started: rec.started, finished: rec.finished, repro: result, untracked };
}
