import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
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
}

/** Load dvd.yaml, dvd.lock and the pointers at `root`; null when there is no dvd.yaml. Throws EPIPELINE on bad input. */
export function openPipeline(root: string): OpenPipeline | null {
  const pipeline = loadPipeline(root);
  if (!pipeline) return null;
  const pointers = findPointers(root, root, []);
  const dag = buildDag(pipeline.stages, pointers.map((p) => p.target));
  return { pipeline, dag, lock: readLock(root), pointers };
}

/** openPipeline, or ENOPIPELINE when there is no dvd.yaml. */
export function requirePipeline(root: string): OpenPipeline {
  const p = openPipeline(root);
  if (!p) {
    throw new DvdError('ENOPIPELINE', `no dvd.yaml in ${root}`, { hint: 'add a stage with `dvd stage add -n NAME -d DEP -o OUT -- COMMAND`' });
  }
  return p;
}
