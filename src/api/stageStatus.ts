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
 * that are not up to date. Targets that name stages select them (with what they depend
 * on); the others are returned for the data status.
 */
export async function stageStatus(ctx: ApiContext, o: { targets?: string[] } = {}): Promise<StageStatusResult> {
  const root = requireRepoRoot(ctx.cwd);
  const targets = o.targets ?? [];
  if (!hasPipeline(root)) return { pipeline: false, stages: [], otherTargets: targets };
  const names = [...requirePipeline(root).dag.byName.keys()];
  const isStage = (t: string) => names.includes(t) || names.some((n) => n.startsWith(`${t}@`));
  const stageTargets = targets.filter(isStage);
  const otherTargets = targets.filter((t) => !isStage(t));
  if (targets.length > 0 && stageTargets.length === 0) return { pipeline: true, stages: [], otherTargets };
  const r = await repro(ctx, { targets: stageTargets, dry: true });
  return { pipeline: true, stages: r.stages.filter((s) => s.action !== 'unchanged' && s.action !== 'frozen'), otherTargets };
}
