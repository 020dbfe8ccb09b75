import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { defaultJobs } from '../core/defaultJobs.js';
import { DvdError } from '../core/errors.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { isSameOrInside, producerOf, selectStages } from '../pipeline/buildDag.js';
import type { LockEntry } from '../pipeline/lockFile.js';
import { PathObserver } from '../pipeline/PathObserver.js';
import type { PathState } from '../pipeline/pathState.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';
import type { Reason, StageAction } from '../pipeline/reasons.js';
import { lookupRuns, runCacheable, runCacheKey } from '../pipeline/runCache.js';
import { Runner } from '../pipeline/Runner.js';
import { removeOutput } from '../pipeline/removeOutput.js';
import { schedule, type Outcome } from '../pipeline/schedule.js';
import type { Stage } from '../pipeline/stage.js';
import { whyRun } from '../pipeline/whyRun.js';
import { openRepo, type ApiContext } from './context.js';
import { usesGit } from './gitFiles.js';
import { requirePipeline, type OpenPipeline } from './openPipeline.js';
import { outInCache } from './restoreOutputs.js';
import { commitStage, restoreStage, type StageCommitContext } from './commitStage.js';
import { serialize, withReproLock } from './reproLock.js';
import { fetch } from './fetch.js';
import { pullForRepro } from './pullForRepro.js';

export interface ReproOptions {
  /** Stage names (a foreach/matrix name covers its items); all stages when empty. */
  targets?: string[];
  /** Run the selected stages even if nothing changed. */
  force?: boolean;
  /** Only the targets, not what they depend on. */
  single?: boolean;
  /** The targets and every stage downstream of them. */
  downstream?: boolean;
  /** Decide and report, run nothing, write nothing. */
  dry?: boolean;
  /** Stages run at the same time (default 1). */
  jobs?: number;
  /** Fetch missing deps, outputs and run-cache entries from the remote first. */
  pull?: boolean;
  remote?: string;
  /** Neither look up nor record runs in the run cache. */
  noRunCache?: boolean;
  /** After a failure, go on with stages that do not depend on it. */
  keepGoing?: boolean;
  /** Where commands' output goes; default: inherited when jobs is 1, else prefixed lines to process.stdout/stderr. */
  output?: { stdout: Writable; stderr: Writable; inherit?: boolean };
  /** Told when a stage starts running and when each stage is decided or done (the CLI prints these). */
  onEvent?: (e: ReproEvent) => void;
}

export type ReproEvent = { type: 'start'; stage: string; reasons: Reason[]; cmd: string[] } | { type: 'done'; report: StageReport };

export interface StageReport {
  stage: string;
  action: StageAction;
  reasons: Reason[];
  /** Failed stages: what went wrong, and the command's exit code when it ran. */
  error?: string;
  exitCode?: number;
}

export interface ReproResult {
  dry: boolean;
  stages: StageReport[];
  /** Names of stages that failed (the command exit code was not 0, or a dep was missing). */
  failed: string[];
  /** `.dvd` pointers that cannot be read (see OpenPipeline); the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/**
 * `dvd repro`: bring the selected stages up to date, in DAG order, `jobs` at a time. Per
 * stage: decide (whyRun); restore from the run cache when an earlier identical run left
 * its outputs in the cache; else delete the outputs (unless persist), run the command,
 * and only after it exits 0 store the outputs, write the lock entry and record the run.
 * The repository lock is taken only around those writes, never while a command runs.
 * A failed stage leaves its lock entry and the cache as they were; the result lists it
 * and the CLI exits 1. Ctrl-C stops the commands' process groups and throws EINTERRUPTED
 * (exit 130) after they end, with nothing of the interrupted stages committed.
 */
export async function repro(ctx: ApiContext, o: ReproOptions = {}): Promise<ReproResult> {
  const open = openRepo(ctx);
  const { repo, config } = open;
  const pipe = requirePipeline(repo.root, ctx.cwd);
  const stages = selectStages(pipe.dag, o.targets ?? [], o);
  const jobs = o.jobs ?? 1;
  const fileJobs = defaultJobs();
  if (o.pull && !o.dry) await pullForRepro(ctx, { pipe, stages, remote: o.remote, runCache: !o.noRunCache });
  const observer = new PathObserver(repo, fileJobs);
  observer.plan(stages.flatMap((s) => [...s.deps, ...s.outs.map((x) => x.path)]));
  const linker = new Linker({ repo, types: linkTypesFromConfig(config), warn: ctx.log.warn, verb: 'repro' });
  const copyLinker = new Linker({ repo, types: ['copy'], warn: ctx.log.warn, verb: 'repro' });
  const runner = new Runner();
  const reports = new Map<string, StageReport>();
  // Stages that ran (or, dry, would run): their downstream stages are decided again.
  const changed = new Set<string>();
  const commitLock = serialize();
  const paths = new UserPaths(repo.root, ctx.cwd);
  const commit: StageCommitContext = { repo, pipe, linker, copyLinker, jobs: fileJobs, paths, gitignore: usesGit(repo.root, config) };
  const output = o.output ?? { stdout: process.stdout, stderr: process.stderr, inherit: jobs === 1 };

  const report = (r: StageReport): Outcome => {
    reports.set(r.stage, r);
    o.onEvent?.({ type: 'done', report: r });
    return r.action === 'failed' ? 'failed' : 'ok';
  };

  const work = async (stage: Stage): Promise<Outcome> => {
    const ups = [...pipe.dag.upstream.get(stage.name)!].filter((u) => changed.has(u));
    if (stage.frozen) return report({ stage: stage.name, action: 'frozen', reasons: [] });
    const deps = new Map(await Promise.all(stage.deps.map(async (d) => [d, await observer.state(d)] as const)));
    const outs = new Map(await Promise.all(stage.outs.map(async (x) => [x.path, await observer.state(x.path)] as const)));
    const verdict = whyRun(stage, pipe.lock.get(stage.name), { deps, outs, manifest: observer.manifest });
    const reasons = verdict.reasons.map((r) => (r.kind === 'dep-missing' ? explainMissing(pipe, r.path) : r));
    if (o.force) reasons.unshift({ kind: 'forced' });
    const mustRun = o.force || verdict.run;
    const missing = reasons.filter((r) => r.kind === 'dep-missing');
    if (o.dry) {
      if (ups.length) {
        changed.add(stage.name);
        const own = reasons.filter((r) => r.kind !== 'dep-missing' || !ups.some((u) => r.producer === u));
        return report({ stage: stage.name, action: own.length ? 'run' : 'recheck', reasons: [...own, ...ups.map((u) => ({ kind: 'upstream' as const, stage: u }))] });
      }
      if (!mustRun) return report({ stage: stage.name, action: 'unchanged', reasons });
      changed.add(stage.name);
      const restorable = !o.force && !missing.length && (await findRun(stage, deps, false)) !== null;
      return report({ stage: stage.name, action: restorable ? 'restore' : 'run', reasons });
    }
    if (missing.length) {
      return report({ stage: stage.name, action: 'failed', reasons, error: missingDepMessage(stage, missing, paths) });
    }
    if (!mustRun) return report({ stage: stage.name, action: 'unchanged', reasons });
    changed.add(stage.name);
    if (!o.force && !o.noRunCache && runCacheable(stage)) {
      const run = await findRun(stage, deps, true);
      if (run) {
        const failed = await committed(stage, reasons, () => restoreStage(commit, stage, deps, run));
        return failed ?? report({ stage: stage.name, action: 'restore', reasons });
      }
    }
    try {
      for (const x of stage.outs) {
        if (!x.persist) removeOutput(repo.root, x.path, stage.name);
        observer.invalidate(x.path);
      }
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      return report({ stage: stage.name, action: 'failed', reasons, error: err.message });
    }
    o.onEvent?.({ type: 'start', stage: stage.name, reasons, cmd: stage.cmd });
    const r = await runner.run(stage.cmd, path.join(repo.root, stage.wdir), { ...output, prefix: output.inherit ? undefined : `[${stage.name}] ` }, { DVD_STAGE: stage.name });
    if (r.interrupted) return report({ stage: stage.name, action: 'failed', reasons, error: `interrupted (${runner.interrupted}); outputs not committed`, exitCode: r.code });
    if (r.code !== 0) {
      return report({ stage: stage.name, action: 'failed', reasons, exitCode: r.code, error: `command ${JSON.stringify(r.cmd)} exited with code ${r.code}${r.signal ? ` (${r.signal})` : ''}` });
    }
    const absent = stage.outs.filter((x) => !fs.existsSync(path.join(repo.root, x.path)));
    if (absent.length) {
      return report({ stage: stage.name, action: 'failed', reasons, exitCode: 0, error: `the command did not create ${absent.map((x) => paths.show(x.path)).join(', ')}` });
    }
    const failed = await committed(stage, reasons, () => commitStage(commit, stage, deps, !o.noRunCache && runCacheable(stage)));
    return failed ?? report({ stage: stage.name, action: 'run', reasons });
  };

  /**
   * Commit under the repository lock (one stage at a time in this process). A refusal
   * (an output holding a symlink, a full disk) fails the stage, not the whole run; the
   * outputs' observations are dropped either way.
   */
  const committed = async (stage: Stage, reasons: Reason[], fn: () => Promise<void>): Promise<Outcome | null> => {
    try {
      await commitLock(() => withReproLock(repo, fn));
      return null;
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      return report({ stage: stage.name, action: 'failed', reasons, error: `outputs not stored: ${err.message}` });
    } finally {
      for (const x of stage.outs) observer.invalidate(x.path);
    }
  };

  const remoteKnown = o.remote !== undefined || config.get('core.remote') !== undefined;
  /**
   * An earlier run with this stage's key whose outputs are in the cache. With `fetch`, a
   * run recorded elsewhere (its entry came with `dvd pull`) has its outputs fetched from
   * the remote first; if that fails the stage simply runs.
   */
  const findRun = async (stage: Stage, deps: Map<string, PathState | null>, fetchOutputs: boolean): Promise<LockEntry | null> => {
    if (o.noRunCache || !runCacheable(stage)) return null;
    const want = stage.outs.map((x) => x.path).sort().join('\n');
    const candidates = lookupRuns(repo, runCacheKey(stage, deps)).filter((e) => e.outs.map((x) => x.path).sort().join('\n') === want);
    const inCache = (e: LockEntry) => e.outs.every((x) => outInCache(repo, x, observer.manifest));
    const local = candidates.find(inCache);
    if (local || !fetchOutputs || !remoteKnown || candidates.length === 0) return local ?? null;
    const e = candidates[0];
    try {
      const pointers = e.outs.map((x) => ({ pointerFile: `run of ${stage.name}: ${x.path}`, pointer: pointerOfOut(x) }));
      await commitLock(() => fetch(ctx, { pointers, remote: o.remote, runCache: false }));
    } catch (err) {
      ctx.log.warn(`${stage.name}: could not fetch the outputs of its earlier run (${(err as Error).message.split('\n')[0]}); running it`);
      return null;
    }
    return inCache(e) ? e : null;
  };

  await schedule({
    stages,
    upstream: pipe.dag.upstream,
    jobs: o.dry ? 1 : jobs,
    keepGoing: o.keepGoing ?? false,
    work,
    skip: (s, bad) => report({ stage: s.name, action: 'skipped', reasons: [{ kind: 'upstream', stage: bad }], error: `not run: upstream stage ${bad} failed` }),
    stop: () => runner.interrupted !== null,
  });
  for (const s of stages) if (!reports.has(s.name)) report({ stage: s.name, action: 'skipped', reasons: [], error: 'not run: an earlier stage failed' });
  const result: ReproResult = { dry: !!o.dry, stages: stages.map((s) => reports.get(s.name)!), failed: [], problems: pipe.problems };
  result.failed = result.stages.filter((s) => s.action === 'failed').map((s) => s.stage);
  if (runner.interrupted) {
    throw new DvdError('EINTERRUPTED', `interrupted (${runner.interrupted}): stopped ${result.failed.join(', ') || 'the pipeline'}; nothing of the interrupted stages was committed`, {
      exitCode: 130,
      data: { result },
    });
  }
  return result;
}

/** A missing dep with what would make it: an upstream stage, or `dvd pull` for tracked data. */
function explainMissing(pipe: OpenPipeline, dep: string): Reason {
  const producer = producerOf(pipe.pipeline.stages, dep);
  if (producer) return { kind: 'dep-missing', path: dep, producer: producer.stage.name };
  const tracked = pipe.pointers.some((p) => isSameOrInside(dep, p.target) || isSameOrInside(p.target, dep));
  return tracked ? { kind: 'dep-missing', path: dep, tracked: true } : { kind: 'dep-missing', path: dep };
}

function missingDepMessage(stage: Stage, missing: Reason[], paths: UserPaths): string {
  return missing
    .map((r) => {
      if (r.kind !== 'dep-missing') return '';
      const how = r.producer ? `stage ${r.producer} makes it: run \`dvd repro ${r.producer}\`` : r.tracked ? 'it is tracked data: run `dvd pull` (or `dvd checkout`)' : 'no stage makes it and dvd does not track it';
      return `stage ${stage.name} needs ${paths.show(r.path)}, which does not exist (${how})`;
    })
    .join('; ');
}
