import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { DvdError, isErrno } from '../core/errors.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { runGit } from '../git/runGit.js';
import { snapshotWorkTree } from '../git/snapshotWorkTree.js';
import { deleteRef } from '../git/updateRef.js';
import { addWorktree, removeWorktree } from '../git/worktree.js';
import { expMessage, expRef, type ExpRecord } from '../pipeline/expRecord.js';
import { pipeLines } from '../pipeline/Runner.js';
import type { ApiContext } from './context.js';
import { recordExperiment, type ExpRunResult } from './expRun.js';
import { listExperiments, type ExpEntry } from './listExperiments.js';
import { openExperiments } from './openExperiments.js';

export interface ExpQueueOptions {
  /** Experiments run at the same time (default 1). */
  jobs?: number;
  /** How to start dvd itself (`[node, .../bin/dvd.js]`): the CLI knows how it was started. */
  dvd: string[];
  /** Pass -q to the runs' dvd commands (their stage commands still print). */
  quiet?: boolean;
  /** Where the runs' output goes, each line prefixed `[name] `. */
  output: { stdout: Writable; stderr: Writable };
  onEvent?: (e: { type: 'start'; name: string; dir: string } | { type: 'done'; result: QueuedRunResult }) => void;
}

/** A queued experiment after its run: recorded like `exp run` records one. */
export type QueuedRunResult = Omit<ExpRunResult, 'repro' | 'started' | 'finished'> & { started: string; finished: string };

export interface ExpQueueResult {
  results: QueuedRunResult[];
}

/** Run `args` of dvd in `cwd`, its output into `output` with `prefix`; resolves the exit code and its `error:` lines. */
function runDvd(o: ExpQueueOptions, cwd: string, args: string[], prefix: string, children: Set<ChildProcess>): Promise<{ code: number; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.dvd[0], [...o.dvd.slice(1), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const errors: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => errors.push(...d.split('\n').filter((l) => l.startsWith('error: ')).map((l) => l.slice(7))));
    pipeLines(child.stdout, o.output.stdout, prefix);
    pipeLines(child.stderr, o.output.stderr, prefix);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), errors });
    });
  });
}

/**
 * `dvd exp run --run-all [-j N]`: run every queued experiment, oldest first, N at a time,
 * each in its own temporary Git worktree (under `<git dir>/dvd-exp/`, on the queued
 * commit, detached); linked worktrees share this repository's `.dvd` (dvdShareOf), so the
 * runs share one cache (their outputs land where `exp apply` finds them; no data is
 * fetched or copied into a second cache), then `dvd checkout` and `dvd repro` run there as
 * child processes. No broker: this process starts them and waits. Each finished one is
 * recorded like `exp run` records (failed ones as failed) and leaves the queue; its
 * worktree is removed. Ctrl-C stops the runs (the signal reaches their process groups
 * through the children), leaves the interrupted ones queued and exits 130.
 */
export async function expRunQueue(ctx: ApiContext, o: ExpQueueOptions): Promise<ExpQueueResult> {
  const ex = openExperiments(ctx, 'dvd exp run --run-all');
  const { root } = ex;
  const all = await listExperiments(root);
  const queued = all.filter((e) => e.queued);
  const common = path.resolve(root, runGit(root, ['rev-parse', '--git-common-dir']).stdout.trim());
  const results: QueuedRunResult[] = [];
  const children = new Set<ChildProcess>();
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
    for (const c of children) c.kill(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await forEachParallel(queued, Math.max(1, o.jobs ?? 1), async (e: ExpEntry) => {
      if (interrupted) return;
      const dir = path.join(common, 'dvd-exp', e.name);
      if (fs.existsSync(dir)) removeWorktree(root, dir);
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      addWorktree(root, dir, e.commit);
      try {
        // Linked worktrees share this repository's .dvd (cache, lock, config.local: see
        // dvdShareOf), so the run's outputs are stored where `exp apply` reads them.
        o.onEvent?.({ type: 'start', name: e.name, dir });
        const started = new Date().toISOString();
        const prefix = `[${e.name}] `;
        await runDvd(o, dir, ['checkout', '-q'], prefix, children);
        const rec = e.record ?? { name: e.name, status: 'queued' as const, sets: [], targets: [] };
        const run = await runDvd(o, dir, ['repro', ...(o.quiet ? ['-q'] : []), ...rec.targets], prefix, children);
        const finished = new Date().toISOString();
        if (interrupted) return;
        const done: ExpRecord = { ...rec, status: run.code === 0 ? 'success' : 'failed', started, finished };
        if (run.code !== 0) done.error = run.errors.join('; ') || `dvd repro exited with code ${run.code}`;
        const ref = expRef(e.baseline, e.name);
        const commit = snapshotWorkTree(dir, { parent: e.baseline, message: expMessage(done) });
        recordExperiment(root, all.filter((x) => x.ref !== e.ref), e.name, ref, commit, true);
        deleteRef(root, e.ref);
        const result: QueuedRunResult = { name: e.name, ref, commit, baseline: e.baseline, status: done.status, error: done.error, started, finished };
        results.push(result);
        o.onEvent?.({ type: 'done', result });
      } finally {
        removeWorktree(root, dir);
      }
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      fs.rmdirSync(path.join(common, 'dvd-exp'));
    } catch (err) {
      // Still in use by another --run-all, or never made.
      if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'ENOENT')) throw err;
    }
  }
  if (interrupted) {
    throw new DvdError('EINTERRUPTED', `interrupted (${interrupted}): ${results.length} experiment${results.length === 1 ? '' : 's'} recorded; the others stay queued`, { exitCode: 130 });
  }
  return { results };
}
