import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { gitTrackedLookup } from './gitFiles.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { buildDag, type Dag } from '../pipeline/buildDag.js';
import { loadPipeline } from '../pipeline/loadPipeline.js';
import { readLock, type LockFile } from '../pipeline/lockFile.js';
import type { Pipeline } from '../pipeline/stage.js';

/** A repository's pipeline, checked and ready to decide on: stages, graph, lock and `.dvd` pointers. */
export interface OpenPipeline {
  pipeline: Pipeline;
  dag: Dag;
  lock: LockFile;
  /** Every `.dvd` pointer in the workspace (deps may be tracked data; outputs must not overlap it). */
  pointers: PointerRef[];
  /**
   * Pointers that cannot be read (their targets are unknown, so an output overlapping one
   * goes unnoticed): repro reports them after its work and exits 1, as other commands do.
   */
  problems: PointerProblem[];
}

/**
 * Load dvd.yaml, dvd.lock and the pointers at `root`; null when there is no dvd.yaml.
 * Throws EPIPELINE on bad input. `cwd`: where the problems' paths are shown from.
 */
export function openPipeline(root: string, cwd = root): OpenPipeline | null {
  const pipeline = loadPipeline(root);
  if (!pipeline) return null;
  const { refs, problems } = findPointers(root, cwd, [], { gitTracked: gitTrackedLookup(root) });
  const dag = buildDag(pipeline.stages, refs.map((p) => p.target));
  return { pipeline, dag, lock: readLock(root), pointers: refs, problems };
}

/** openPipeline, or ENOPIPELINE when there is no dvd.yaml. */
export function requirePipeline(root: string, cwd = root): OpenPipeline {
  const p = openPipeline(root, cwd);
  if (!p) {
    throw new DvdError('ENOPIPELINE', `no dvd.yaml in ${root}`, { hint: 'add a stage with `dvd stage add -n NAME -d DEP -o OUT -- COMMAND`' });
  }
  return p;
}
