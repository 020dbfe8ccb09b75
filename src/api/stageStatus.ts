import path from 'node:path';
import { toRepoPath } from '../core/relPath.js';
import { producerOf } from '../pipeline/buildDag.js';
import { hasPipeline } from '../pipeline/loadPipeline.js';
import { requireRepoRoot } from '../core/repo.js';
import { requirePipeline } from './openPipeline.js';
import type { ApiContext } from './context.js';
import { repro, type StageReport } from './repro.js';

export interface StageStatusResult {
  /** False when the repository has no dvd.yaml (then `stages` is empty). */
  pipeline: boolean;
  /** Stages that would run or be restored, or are decided again after one that would, with reasons. */
  stages: StageReport[];
  /** Targets that are not stage names (paths for the data status). */
  otherTargets: string[];
}

/**
 * The stage half of `dvd status`: what `dvd repro --dry` decides, keeping only the stages
 * that are not up to date. Targets that name stages, or paths they output, select those
 * stages (with what they depend on); the others are returned for the data status.
 */
export async function stageStatus(ctx: ApiContext, o: { targets?: string[] } = {}): Promise<StageStatusResult> {
  const root = requireRepoRoot(ctx.cwd);
  const targets = o.targets ?? [];
  if (!hasPipeline(root)) return { pipeline: false, stages: [], otherTargets: targets };
  const { dag, pipeline } = requirePipeline(root);
  const names = [...dag.byName.keys()];
  // A target is a stage name, or a path some stage outputs (then that stage).
  const stageOf = (t: string): string | null => {
    if (names.includes(t) || names.some((n) => n.startsWith(`${t}@`))) return t;
    const rel = toRepoPath(root, path.resolve(ctx.cwd, t));
    return rel ? (producerOf(pipeline.stages, rel)?.stage.name ?? null) : null;
  };
  const stageTargets = targets.map(stageOf).filter((n): n is string => n !== null);
  const otherTargets = targets.filter((t) => stageOf(t) === null);
  if (targets.length > 0 && stageTargets.length === 0) return { pipeline: true, stages: [], otherTargets };
  const r = await repro(ctx, { targets: stageTargets, dry: true });
  return { pipeline: true, stages: r.stages.filter((s) => s.action !== 'unchanged' && s.action !== 'frozen'), otherTargets };
}
