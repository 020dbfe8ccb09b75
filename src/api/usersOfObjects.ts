import { findGitRoot } from '../git/findGitRoot.js';
import { listAllCommits } from '../git/listAllCommits.js';
import { DvdError } from '../core/errors.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import type { PointerScan } from '../core/findPointers.js';
import { lockOutputsAtRevisions } from './lockOutputsAtRevisions.js';
import { pointersAtRevisions } from './pointersAtRev.js';

/** Who used an object: the pointer at a commit, and the path it gave the object there. */
export interface ObjectUse {
  /** Commit oid; absent for an object only the run cache names (see `run`). */
  rev?: string;
  /** Pointer file, relative to the dvd root: `dvd.lock` for a stage output; `runs/<name>` for a run-cache entry. */
  pointerFile: string;
  /** The file's path (`data/a.txt`), or the folder's (`data/`) for a directory manifest. */
  path: string;
  manifest?: true;
  /** Named by no commit, only by this run-cache entry (`<key>-<oid>`). */
  run?: string;
}

export interface UsersOfObjects {
  uses: Map<string, ObjectUse>;
  /** Directory manifests of some commit that are not in the cache: the files they list cannot be named. */
  manifestsNotInCache: number;
}

/**
 * For gc's listing: the first commit (walking back from the branch tips, so usually
 * the newest) whose pointers or dvd.lock outputs use each of `oids`, through a file
 * pointer, a directory's manifest, or a file that manifest lists; else the run-cache
 * entry that names it (`runs`, see runCacheUses). Manifests not in the cache cannot be
 * looked into; their files stay unnamed, and how many such manifests there were is
 * returned so the listing does not claim "in no commit" for sure. Objects of neither are
 * absent from `uses`.
 */
export async function usersOfObjects(repo: Repo, oids: Set<string>, runs: Map<string, ObjectUse> = new Map()): Promise<UsersOfObjects> {
  const out = new Map<string, ObjectUse>();
  const result: UsersOfObjects = { uses: out, manifestsNotInCache: 0 };
  const note = (oid: string, use: ObjectUse) => {
    if (oids.has(oid) && !out.has(oid)) out.set(oid, use);
  };
  if (oids.size === 0) return result;
  const gitRoot = findGitRoot(repo.root);
  const revs = gitRoot ? (await listAllCommits(gitRoot)).map((oid) => ({ label: oid.slice(0, 12), oid })) : [];
  const [byRev, outsByRev] = gitRoot ? await Promise.all([pointersAtRevisions(repo.root, revs), lockOutputsAtRevisions(repo.root, revs)]) : [new Map<string, PointerScan>(), new Map<string, PointerScan>()];
  const looked = new Set<string>();
  for (const rev of revs) {
    for (const p of [...byRev.get(rev.oid)!.refs, ...outsByRev.get(rev.oid)!.refs]) {
      const use = { rev: rev.oid, pointerFile: p.pointerFile, path: p.target };
      if (p.pointer.type === 'file') {
        note(p.pointer.oid, use);
        continue;
      }
      note(p.pointer.oid, { ...use, path: `${p.target}/`, manifest: true });
      if (looked.has(p.pointer.oid)) continue;
      looked.add(p.pointer.oid);
      if (!hasObject(repo, p.pointer.oid)) {
        result.manifestsNotInCache++;
        continue;
      }
      let entries;
      try {
        entries = await loadManifest(repo, p.pointer, `${rev.label}:${p.pointerFile}`);
      } catch (err) {
        // A damaged manifest names nothing; the listing goes on without it.
        if (err instanceof DvdError) continue;
        throw err;
      }
      for (const e of entries) note(e.oid, { ...use, path: `${p.target}/${e.path}` });
    }
  }
  for (const [oid, use] of runs) note(oid, use);
  return result;
}
