import fs from 'node:fs';
import { parseManifest, type ManifestEntry } from './manifest.js';
import { missingObject } from './objects.js';
import { objectPath } from './objectPath.js';
import { hashBuffer } from './hashFile.js';
import { DvdError, isErrno } from './errors.js';
import type { Pointer } from './pointer.js';
import type { Repo } from './repo.js';

/**
 * What a pointer says its target holds, as manifest entries (a file target is the single
 * entry ''). The manifest object is re-hashed on read: it is small, and a damaged
 * manifest would otherwise steer checkout. Throws ENOOBJECT when it is not in the cache.
 */
export async function loadManifest(repo: Repo, pointer: Pointer, pointerFile: string): Promise<ManifestEntry[]> {
  return loadManifestSync(repo, pointer, pointerFile);
}

/** loadManifest for synchronous callers (the walk asks for recorded paths mid-walk). */
export function loadManifestSync(repo: Repo, pointer: Pointer, pointerFile: string): ManifestEntry[] {
  if (pointer.type === 'file') return [{ path: '', oid: pointer.oid, size: pointer.size, exec: pointer.exec === true }];
  let buf: Buffer;
  try {
    buf = fs.readFileSync(objectPath(repo.cacheDir, pointer.oid));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw missingObject(pointer.oid, pointerFile);
    throw err;
  }
  if (hashBuffer(buf) !== pointer.oid) {
    throw new DvdError('ECORRUPT', `manifest sha256:${pointer.oid} of ${pointerFile} is damaged in the cache`, {
      hint: 'run `dvd verify` to quarantine it, then `dvd pull` to fetch it again',
    });
  }
  return parseManifest(buf.toString('utf8'), `${pointerFile} manifest ${pointer.oid.slice(0, 12)}`);
}
