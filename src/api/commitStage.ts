import path from 'node:path';
import type { Linker } from '../core/Linker.js';
import { serializeManifest } from '../core/manifest.js';
import { hasObject, storeBuffer } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import type { UserPaths } from '../core/userPaths.js';
import { storeTarget } from '../core/storeTarget.js';
import { addToGitignore } from '../git/addToGitignore.js';
import { updateLock, type LockEntry, type LockedOut, type LockedPath } from '../pipeline/lockFile.js';
import type { PathState } from '../pipeline/pathState.js';
import { recordRun, runCacheKey } from '../pipeline/runCache.js';
import type { Stage } from '../pipeline/stage.js';
import type { OpenPipeline } from './openPipeline.js';
import { restoreOutputs } from './restoreOutputs.js';

// The two ways a stage's result enters the repository, both called by repro with the
// repository lock held: after its command exited 0 (store the outputs, write the
// dvd.lock entry, record the run), or from the run cache (check out a recorded run's
// outputs, write the entry).

export interface StageCommitContext {
  repo: Repo;
  pipe: OpenPipeline;
  /** The configured cache type, for cached outputs. */
  linker: Linker;
  /** Copies, for `cache: false` outputs (Git's files are never links into the cache). */
  copyLinker: Linker;
  /** Files handled at once. */
  jobs: number;
  /** How messages show paths (relative to where dvd runs). */
  paths: UserPaths;
  /** Git-ignore cached outputs; false when the repository is not versioned with Git (usesGit). */
  gitignore: boolean;
}

/**
 * Store each output in the cache, write the stage's dvd.lock entry with the deps as they
 * were before the command ran, and (when `record`) record the run in the run cache.
 * `cache: false` outputs are stored too, so the run cache can restore them.
 */
export async function commitStage(c: StageCommitContext, stage: Stage, deps: Map<string, PathState | null>, record: boolean): Promise<void> {
  const outs: LockedOut[] = [];
  for (const x of stage.outs) {
    const s = await storeTarget({ repo: c.repo, target: x.path, abs: path.join(c.repo.root, x.path), linker: x.cache ? c.linker : c.copyLinker, jobs: c.jobs, paths: c.paths });
    const rec: LockedOut = { path: x.path, oid: s.pointer.oid, size: s.pointer.size };
    if (s.pointer.type === 'dir') rec.files = s.pointer.files;
    else if (s.pointer.exec) rec.exec = true;
    if (!x.cache) rec.cache = false;
    outs.push(rec);
  }
  const entry: LockEntry = { cmd: stage.cmd, deps: lockedDeps(stage, deps), params: paramsOf(stage), outs };
  await storeDepManifests(c.repo, deps);
  writeEntry(c, stage, entry);
  if (record) recordRun(c.repo, runCacheKey(stage, deps), entry);
}

/** Check out the outputs of an earlier identical run and write the stage's dvd.lock entry. */
export async function restoreStage(c: StageCommitContext, stage: Stage, deps: Map<string, PathState | null>, run: LockEntry): Promise<void> {
  await restoreOutputs({ repo: c.repo, outs: run.outs, linker: c.linker, copyLinker: c.copyLinker, jobs: c.jobs, paths: c.paths });
  await storeDepManifests(c.repo, deps);
  writeEntry(c, stage, { cmd: stage.cmd, deps: lockedDeps(stage, deps), params: paramsOf(stage), outs: run.outs });
}

function lockedDeps(stage: Stage, deps: Map<string, PathState | null>): LockedPath[] {
  return stage.deps.map((d) => {
    const s = deps.get(d)!;
    const rec: LockedPath = { path: d, oid: s.oid, size: s.size };
    if (s.files !== undefined) rec.files = s.files;
    return rec;
  });
}

function paramsOf(stage: Stage): LockEntry['params'] {
  return Object.fromEntries(stage.params.map((p) => [p.file, p.values]));
}

/**
 * Keep the manifest of each folder dep in the cache (a few KB): the next `status` can then
 * say how many files of it changed, not only that it did.
 */
async function storeDepManifests(repo: Repo, deps: Map<string, PathState | null>): Promise<void> {
  for (const s of deps.values()) if (s?.entries && !hasObject(repo, s.oid)) await storeBuffer(repo, serializeManifest(s.entries));
}

/** Rewrite dvd.lock with this entry (keeping other stages'), and git-ignore the cached outputs as `dvd add` does (not without Git). */
function writeEntry(c: StageCommitContext, stage: Stage, entry: LockEntry): void {
  const known = new Set(c.pipe.pipeline.stages.map((s) => s.name));
  updateLock(c.repo.root, (lock) => {
    lock.set(stage.name, entry);
    // Entries of stages no longer in dvd.yaml describe nothing; drop them.
    for (const name of [...lock.keys()]) if (!known.has(name)) lock.delete(name);
  });
  c.pipe.lock.set(stage.name, entry);
  for (const x of stage.outs) {
    if (!x.cache || !c.gitignore) continue;
    const dir = path.posix.dirname(x.path);
    addToGitignore(c.repo.root, dir === '.' ? '' : dir, path.posix.basename(x.path));
  }
}
