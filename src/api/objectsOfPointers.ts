import { DvdError } from '../core/errors.js';
import { hashBuffer } from '../core/hashFile.js';
import type { Pointer } from '../core/pointer.js';
import { hasObject, readObject } from '../core/objects.js';
import { parseManifest } from '../core/manifest.js';
import { entriesInScope, inScope } from '../core/scope.js';
import { UserPaths } from '../core/userPaths.js';
import type { Repo } from '../core/repo.js';

/** Anything that names a pointer: a workspace PointerRef, or one read at a Git revision. */
export interface PointerSource {
  /** Repo-relative pointer file (maybe prefixed with a revision, e.g. `v1:data/x.dvd`), for messages. */
  pointerFile: string;
  pointer: Pointer;
  /** A workspace pointer named by a path inside its folder: only that part (scope.ts). */
  scope?: string[];
  /** Repo-relative target: for messages about a scope, and the only name of an output recorded in dvd.lock (no pointer file of its own). */
  target?: string;
  /** A pointer at a revision: a scope path it lacks is not an error (older versions may). */
  scopeMayMiss?: boolean;
}

export interface NeededObject {
  oid: string;
  size: number;
  /** Who needs it: `data/images.dvd` or `data/images.dvd: cats/001.jpg`. */
  neededBy: string;
}

export interface NeededDir {
  /** The manifest object. */
  manifest: NeededObject;
  /** The files the manifest lists; null when the manifest is not in the local cache yet. */
  files: NeededObject[] | null;
}

export interface ObjectsOfPointers {
  /** Objects of `type: file` pointers. */
  files: NeededObject[];
  dirs: NeededDir[];
}

/**
 * The objects a list of pointers needs: each file pointer's object, and for each
 * directory its manifest plus, when the manifest is in the local cache, every file it
 * lists. Fetch calls this, downloads the manifests it lacks, then calls it again for
 * their files. The list is not de-duplicated; the transfer queue does that. `paths`:
 * how errors show paths (default: repo-relative).
 */
export async function objectsOfPointers(repo: Repo, pointers: PointerSource[], paths = new UserPaths(repo.root, repo.root)): Promise<ObjectsOfPointers> {
  const out: ObjectsOfPointers = { files: [], dirs: [] };
  const manifests = new Map<string, NeededObject[]>();
  for (const { pointerFile, pointer, scope, target, scopeMayMiss } of pointers) {
    if (pointer.type === 'file') {
      out.files.push({ oid: pointer.oid, size: pointer.size, neededBy: pointerFile });
      continue;
    }
    // Manifest object size is not in the pointer (size is the directory's total).
    const manifest: NeededObject = { oid: pointer.oid, size: 0, neededBy: pointerFile };
    if (!hasObject(repo, pointer.oid)) {
      out.dirs.push({ manifest, files: null });
      continue;
    }
    let entries = manifests.get(pointer.oid);
    if (!entries) {
      const buf = await readObject(repo, pointer.oid);
      // Small, and a damaged manifest would steer the whole transfer: re-hash it.
      if (hashBuffer(buf) !== pointer.oid) {
        throw new DvdError('ECORRUPT', `manifest sha256:${pointer.oid} of ${pointerFile} is damaged in the cache`, {
          hint: 'run `dvd verify` to quarantine it, then `dvd fetch` to download it again',
        });
      }
      entries = parseManifest(buf.toString('utf8'), `${pointerFile} manifest sha256:${pointer.oid}`).map((e) => ({ oid: e.oid, size: e.size, neededBy: e.path }));
      manifests.set(pointer.oid, entries);
    }
    let wanted = entries;
    if (scope && scopeMayMiss) wanted = entries.filter((e) => inScope(e.neededBy, scope));
    else if (scope) wanted = entriesInScope(entries.map((e) => ({ ...e, path: e.neededBy })), { scope, target: target ?? pointerFile, pointerFile }, paths);
    out.dirs.push({ manifest, files: wanted.map((e) => ({ oid: e.oid, size: e.size, neededBy: `${pointerFile}: ${e.neededBy}` })) });
  }
  return out;
}
