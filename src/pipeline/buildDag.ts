import { DvdError } from '../core/errors.js';
import { didYouMean, DVD_YAML } from './parseDvdYaml.js';
import { pipelineError } from './pipelineError.js';
import type { Stage, StageOut } from './stage.js';

/** The stage graph: an edge A -> B when B depends on a path A outputs (or on a folder around or inside it). */
export interface Dag {
  /** Topological order; ties keep dvd.yaml order. */
  order: Stage[];
  byName: Map<string, Stage>;
  /** Stage -> the stages whose outputs it depends on. */
  upstream: Map<string, Set<string>>;
  /** Stage -> the stages that depend on its outputs. */
  downstream: Map<string, Set<string>>;
}

/** True when `a` is `b` or lies inside folder `b` (repo-relative POSIX paths). */
export const isSameOrInside = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
const overlaps = (a: string, b: string) => isSameOrInside(a, b) || isSameOrInside(b, a);

/** The stage (and its output) that produces `path`: the output is the path or a folder around it. */
export function producerOf(stages: Stage[], path: string): { stage: Stage; out: StageOut } | null {
  for (const stage of stages) for (const out of stage.outs) if (isSameOrInside(path, out.path)) return { stage, out };
  return null;
}

/**
 * Check the stages as a whole and build their graph. Refused up front, naming dvd.yaml and
 * the stages: two stages with one output (or outputs inside each other), an output that
 * is (or is inside, or holds) a `.dvd`-tracked target (`trackedTargets`, repo-relative),
 * a dep inside an output of its own stage, and a cycle (listed).
 */
export function buildDag(stages: Stage[], trackedTargets: string[] = []): Dag {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const allOuts = stages.flatMap((s) => s.outs.map((o) => ({ stage: s, out: o })));
  for (let i = 0; i < allOuts.length; i++) {
    for (let j = i + 1; j < allOuts.length; j++) {
      const a = allOuts[i];
      const b = allOuts[j];
      if (a.stage === b.stage || !overlaps(a.out.path, b.out.path)) continue;
      const same = a.out.path === b.out.path;
      throw pipelineError(
        { file: DVD_YAML, line: b.stage.line, stage: b.stage.name, field: 'outs' },
        same ? `${b.out.path} is also an output of stage ${a.stage.name}: two stages cannot make one output` : `output ${b.out.path} overlaps output ${a.out.path} of stage ${a.stage.name}`,
        'give each stage its own outputs',
      );
    }
  }
  for (const { stage, out } of allOuts) {
    const t = trackedTargets.find((t) => overlaps(out.path, t));
    if (t !== undefined) {
      throw pipelineError(
        { file: DVD_YAML, line: stage.line, stage: stage.name, field: 'outs' },
        `${out.path} overlaps ${t}, which dvd add tracks (${t}.dvd)`,
        `an output is tracked through dvd.lock; stop tracking it with \`dvd untrack ${t}\`, or make it a dep instead`,
      );
    }
  }
  const upstream = new Map<string, Set<string>>(stages.map((s) => [s.name, new Set()]));
  const downstream = new Map<string, Set<string>>(stages.map((s) => [s.name, new Set()]));
  for (const s of stages) {
    for (const dep of s.deps) {
      const own = s.outs.find((o) => isSameOrInside(dep, o.path) || isSameOrInside(o.path, dep));
      if (own) {
        throw pipelineError(
          { file: DVD_YAML, line: s.line, stage: s.name, field: 'deps' },
          dep === own.path ? `${dep} is both a dep and an output` : `dep ${dep} overlaps its own output ${own.path}`,
          'a stage cannot read what it is about to delete and write; use persist: true outputs for incremental work',
        );
      }
      for (const { stage: t, out } of allOuts) {
        if (t !== s && overlaps(dep, out.path)) {
          upstream.get(s.name)!.add(t.name);
          downstream.get(t.name)!.add(s.name);
        }
      }
    }
  }
  return { order: topoOrder(stages, upstream), byName, upstream, downstream };
}

function topoOrder(stages: Stage[], upstream: Map<string, Set<string>>): Stage[] {
  // Depth-first with colours so a cycle can be reported as the path that closes it.
  const state = new Map<string, 'visiting' | 'done'>();
  const order: Stage[] = [];
  const byName = new Map(stages.map((s) => [s.name, s]));
  const stack: string[] = [];
  const visit = (name: string) => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      // The stack runs against the data (each stage then one it reads from); reversed, the
      // arrows follow the data: `a -> b` means b reads what a writes.
      const cycle = [...stack.slice(stack.indexOf(name)), name].reverse();
      const s = byName.get(name)!;
      throw pipelineError({ file: DVD_YAML, line: s.line }, `stages form a cycle: ${cycle.join(' -> ')}`, 'a stage cannot depend, directly or not, on its own outputs');
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const up of stages.filter((s) => upstream.get(name)!.has(s.name))) visit(up.name);
    stack.pop();
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const s of stages) visit(s.name);
  return order;
}

/**
 * The stages a command covers, in topological order: all of them without targets; with
 * targets (stage names; a foreach/matrix name covers all its items), each target and
 * everything upstream of it, only the target with `single`, or the target and everything
 * downstream with `downstream`. Unknown names are an EUSAGE error with a suggestion.
 */
export function selectStages(dag: Dag, targets: string[], o: { single?: boolean; downstream?: boolean } = {}): Stage[] {
  if (targets.length === 0) return dag.order;
  const chosen = new Set<string>();
  for (const t of targets) {
    const hits = dag.byName.has(t) ? [t] : dag.order.filter((s) => s.name.startsWith(`${t}@`)).map((s) => s.name);
    if (hits.length === 0) {
      throw new DvdError('EUSAGE', `no stage named ${JSON.stringify(t)} in ${DVD_YAML}${didYouMean(t, [...dag.byName.keys()])}`, {
        exitCode: 2,
        hint: `stages: ${[...dag.byName.keys()].join(', ') || '(none)'}`,
      });
    }
    for (const h of hits) chosen.add(h);
  }
  if (!o.single) {
    const edges = o.downstream ? dag.downstream : dag.upstream;
    const todo = [...chosen];
    while (todo.length) {
      for (const n of edges.get(todo.pop()!)!) {
        if (!chosen.has(n)) {
          chosen.add(n);
          todo.push(n);
        }
      }
    }
  }
  return dag.order.filter((s) => chosen.has(s.name));
}
