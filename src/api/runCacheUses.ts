import { DvdError } from '../core/errors.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';
import { RUNS_DIR } from '../pipeline/runCache.js';
import { localRuns } from './transferRuns.js';
import type { ObjectUse } from './usersOfObjects.js';

/**
 * The objects the local run cache's entries name, each with the first entry (by name)
 * that names it: an output's object, a folder output's manifest and, when that manifest
 * is in the cache, its files. gc keeps none of them for the run cache's sake (README: run
 * cache), but says so before deleting them: `dvd repro` runs those stages again instead
 * of restoring them. A damaged entry or manifest names nothing.
 */
export async function runCacheUses(repo: Repo): Promise<Map<string, ObjectUse>> {
  const out = new Map<string, ObjectUse>();
  const note = (oid: string, use: ObjectUse) => {
    if (!out.has(oid)) out.set(oid, use);
  };
  const looked = new Set<string>();
  for (const run of localRuns(repo)) {
    const pointerFile = `${RUNS_DIR}/${run.name}`;
    for (const o of run.entry.outs) {
      const use: ObjectUse = { run: run.name, pointerFile, path: o.path };
      if (o.files === undefined) {
        note(o.oid, use);
        continue;
      }
      note(o.oid, { ...use, path: `${o.path}/`, manifest: true });
      if (looked.has(o.oid) || !hasObject(repo, o.oid)) continue;
      looked.add(o.oid);
      let entries;
      try {
        entries = await loadManifest(repo, pointerOfOut(o), pointerFile);
      } catch (err) {
        if (err instanceof DvdError) continue;
        throw err;
      }
      for (const e of entries) note(e.oid, { ...use, path: `${o.path}/${e.path}` });
    }
  }
  return out;
}
