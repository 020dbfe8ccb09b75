import { findGitRoot } from '../git/findGitRoot.js';
import { listAllCommits } from '../git/listAllCommits.js';
import { DvdError } from '../core/errors.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import { pointersAtRevisions } from './pointersAtRev.js';

/** Who used an object: the pointer at a commit, and the path it gave the object there. */
export interface ObjectUse {
  /** Commit oid. */
  rev: string;
  /** Pointer file, relative to the dvd root. */
  pointerFile: string;
  /** The file's path (`data/a.txt`), or the folder's (`data/`) for a directory manifest. */
  path: string;
  manifest?: true;
}

export interface UsersOfObjects {
  uses: Map<string, ObjectUse>;
  /** Directory manifests of some commit that are not in the cache: the files they list cannot be named. */
  manifestsNotInCache: number;
}

/**
 * For gc's listing: the first commit (walking back from the branch tips, so usually
 * the newest) whose pointers use each of `oids`, through a file pointer, a directory's
 * manifest, or a file that manifest lists. Manifests not in the cache cannot be looked
 * into; their files stay unnamed, and how many such manifests there were is returned so
 * the listing does not claim "in no commit" for sure. Objects of no commit found are
 * absent from `uses`.
 */
export async function usersOfObjects(repo: Repo, oids: Set<string>): Promise<UsersOfObjects> {
  const out = new Map<string, ObjectUse>();
  const result: UsersOfObjects = { uses: out, manifestsNotInCache: 0 };
  const gitRoot = findGitRoot(repo.root);
  if (oids.size === 0 || !gitRoot) return result;
  const revs = (await listAllCommits(gitRoot)).map((oid) => ({ label: oid.slice(0, 12), oid }));
  const byRev = await pointersAtRevisions(repo.root, revs);
  const note = (oid: string, use: ObjectUse) => {
    if (oids.has(oid) && !out.has(oid)) out.set(oid, use);
  };
  const looked = new Set<string>();
  for (const rev of revs) {
    for (const p of byRev.get(rev.oid)!.refs) {
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
  return result;
}
