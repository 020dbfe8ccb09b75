import { selectStages } from '../pipeline/buildDag.js';
import { openRepo, type ApiContext } from './context.js';
import { requirePipeline } from './openPipeline.js';

export interface DagResult {
  /** Stages in topological order. */
  stages: { name: string; cmd: string[]; deps: string[]; outs: string[]; frozen: boolean }[];
  /** `from`'s outputs are deps of `to`. */
  edges: { from: string; to: string }[];
}

/** The stage graph of dvd.yaml (or of `targets` and what they depend on), for `dvd dag`. */
export function dag(ctx: ApiContext, o: { targets?: string[] } = {}): DagResult {
  const { repo } = openRepo(ctx);
  const { dag } = requirePipeline(repo.root);
  const stages = selectStages(dag, o.targets ?? []);
  const names = new Set(stages.map((s) => s.name));
  const edges: DagResult['edges'] = [];
  for (const s of stages) for (const up of dag.order) if (names.has(up.name) && dag.upstream.get(s.name)!.has(up.name)) edges.push({ from: up.name, to: s.name });
  return {
    stages: stages.map((s) => ({ name: s.name, cmd: s.cmd, deps: s.deps, outs: s.outs.map((o) => o.path), frozen: s.frozen })),
    edges,
  };
}
