import fs from 'node:fs';
import path from 'node:path';
import { applyCheckout } from '../core/applyCheckout.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject, missingObject } from '../core/objects.js';
import { scanTarget } from '../core/scanTarget.js';
import { sharesCache } from '../core/linkTypes.js';
import type { Linker } from '../core/Linker.js';
import type { Repo } from '../core/repo.js';
import type { UserPaths } from '../core/userPaths.js';
import { refusedError, withoutMetadata } from '../core/walkTarget.js';
import type { LockedOut } from '../pipeline/lockFile.js';
import type { ManifestEntry } from '../core/manifest.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';
import { planCheckout } from './planCheckout.js';

/** True when the cache holds everything `out` needs (a folder's manifest and each file). */
export function outInCache(repo: Repo, out: LockedOut, manifest: (oid: string) => ManifestEntry[] | null): boolean {
  if (!hasObject(repo, out.oid)) return false;
  if (out.files === undefined) return true;
  const entries = manifest(out.oid);
  return entries !== null && entries.every((e) => hasObject(repo, e.oid));
}

/**
 * Make the workspace hold recorded outputs exactly (the run cache's restore): only files
 * that differ are written (with the umask's modes, as checkout writes), extra files are
 * removed. Outputs belong to their stage, so local edits to them are overwritten (repro
 * would overwrite them too); a link or fifo inside one is the user's and refused, and
 * other tools' metadata folders are left alone, as checkout does. `cache: false` outputs
 * go through `copyLinker` so a Git-tracked file is never a link into the cache. Call with
 * the repository lock held. Throws ENOOBJECT if the cache lacks something.
 */
export async function restoreOutputs(o: { repo: Repo; outs: LockedOut[]; linker: Linker; copyLinker: Linker; jobs: number; paths: UserPaths }): Promise<void> {
  const { repo } = o;
  for (const out of o.outs) {
    const desired = withoutMetadata(await loadManifest(repo, pointerOfOut(out), `run of ${o.paths.show(out.path)}`));
    const scan = await scanTarget({ repo, target: out.path, abs: path.join(repo.root, out.path), jobs: o.jobs });
    if (scan.refused.length) throw refusedError(scan.refused, out.path, o.paths);
    const linker = out.cache === false ? o.copyLinker : o.linker;
    const plan = planCheckout({ desired, current: scan.files, inCache: (oid) => hasObject(repo, oid), relink: false, sharedModes: sharesCache(linker.current) });
    if (plan.missing.length) throw missingObject(plan.missing[0].oid, o.paths.show(out.path));
    try {
      await applyCheckout({ root: repo.root, target: out.path, isDir: out.files !== undefined, write: plan.write, chmod: plan.chmod, remove: plan.remove, linker, cache: repo, state: scan.state, jobs: o.jobs });
    } finally {
      scan.state.save(out.path);
    }
    // We hold the lock, so no live dvd is writing these.
    for (const t of scan.temps) fs.rmSync(t, { force: true });
  }
}
