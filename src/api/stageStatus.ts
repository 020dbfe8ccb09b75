import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { problemOf, type PointerProblem } from '../core/pointerProblem.js';
import { toRepoPath } from '../core/relPath.js';
import { UserPaths } from '../core/userPaths.js';
import { producerOf } from '../pipeline/buildDag.js';
import { hasPipeline } from '../pipeline/loadPipeline.js';
import { DVD_YAML } from '../pipeline/parseDvdYaml.js';
import { relabelPipelineError } from '../pipeline/pipelineError.js';
import { requireRepoRoot } from '../core/repo.js';
import { requirePipeline, type OpenPipeline } from './openPipeline.js';
import type { ApiContext } from './context.js';
import { repro, type StageReport } from './repro.js';

export interface StageStatusResult {
  /** False when the repository has no dvd.yaml (then `stages` is empty). */
  pipeline: boolean;
  /** Stages that would run or be restored, or are decided again after one that would, with reasons. */
  stages: StageReport[];
  /** Targets that are not stage names (paths for the data status). */
  otherTargets: string[];
  /**
   * What kept stages from being decided: a dvd.yaml, dvd.lock or params file that cannot
   * be read (then `stages` is empty), and `.dvd` pointers that cannot be. The CLI reports
   * them after the data status and exits 1.
   */
  problems: PointerProblem[];
}

/**
 * The stage half of `dvd status`: what `dvd repro --dry` decides, keeping only the stages
 * that are not up to date. Targets that name stages, or paths they output, select those
 * stages (with what they depend on); the others are returned for the data status. Without
 * targets, a pipeline that cannot be loaded is a problem and the data status still runs
 * (as for a bad pointer); with targets it is an error, since they may name stages.
 */
export async function stageStatus(ctx: ApiContext, o: { targets?: string[] } = {}): Promise<StageStatusResult> {
  const root = requireRepoRoot(ctx.cwd);
  const targets = o.targets ?? [];
  if (!hasPipeline(root)) return { pipeline: false, stages: [], otherTargets: targets, problems: [] };
  let pipe: OpenPipeline;
  try {
    pipe = requirePipeline(root, ctx.cwd);
  } catch (err) {
    if (!(err instanceof DvdError && err.code === 'EPIPELINE')) throw err;
    const paths = new UserPaths(root, ctx.cwd);
    const file = typeof err.data?.file === 'string' ? err.data.file : DVD_YAML;
    const shown = relabelPipelineError(err, paths.show(file));
    if (targets.length) throw shown;
    return { pipeline: true, stages: [], otherTargets: [], problems: [problemOf(file, shown)] };
  }
  const { dag, pipeline } = pipe;
  const names = [...dag.byName.keys()];
  // A target is a stage name, or a path some stage outputs (then that stage).
  const stageOf = (t: string): string | null => {
    if (names.includes(t) || names.some((n) => n.startsWith(`${t}@`))) return t;
    const rel = toRepoPath(root, path.resolve(ctx.cwd, t));
    return rel ? (producerOf(pipeline.stages, rel)?.stage.name ?? null) : null;
  };
  const stageTargets = targets.map(stageOf).filter((n): n is string => n !== null);
  const otherTargets = targets.filter((t) => stageOf(t) === null);
  if (targets.length > 0 && stageTargets.length === 0) return { pipeline: true, stages: [], otherTargets, problems: [] };
  const r = await repro(ctx, { targets: stageTargets, dry: true });
  return { pipeline: true, stages: r.stages.filter((s) => s.action !== 'unchanged' && s.action !== 'frozen'), otherTargets, problems: r.problems };
}
