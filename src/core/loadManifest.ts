import { parseManifest, type ManifestEntry } from './manifest.js';
import { hasObject, missingObject, readObject } from './objects.js';
import { hashBuffer } from './hashFile.js';
import { DvdError } from './errors.js';
import type { Pointer } from './pointer.js';
import type { Repo } from './repo.js';

/**
 * What a pointer says its target holds, as manifest entries (a file target is the single
 * entry ''). The manifest object is re-hashed on read: it is small, and a damaged
 * manifest would otherwise steer checkout.
 */
export async function loadManifest(repo: Repo, pointer: Pointer, pointerFile: string): Promise<ManifestEntry[]> {
  if (pointer.type === 'file') return [{ path: '', oid: pointer.oid, size: pointer.size, exec: pointer.exec === true }];
  if (!hasObject(repo, pointer.oid)) throw missingObject(pointer.oid, pointerFile);
  const buf = await readObject(repo, pointer.oid);
  if (hashBuffer(buf) !== pointer.oid) {
    throw new DvdError('ECORRUPT', `manifest sha256:${pointer.oid} of ${pointerFile} is damaged in the cache`, {
      hint: 'run `dvd verify` to quarantine it, then `dvd pull` to fetch it again',
    });
  }
  return parseManifest(buf.toString('utf8'), `${pointerFile} manifest ${pointer.oid.slice(0, 12)}`);
}
