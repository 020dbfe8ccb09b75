import type { PointerRef } from '../core/findPointers.js';
import { DVD_LOCK, type LockFile } from '../pipeline/lockFile.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';

/**
 * The cached outputs recorded in a dvd.lock, as pointers, so the data commands treat
 * them like `.dvd` targets (checkout, push, fetch, pull, gc). `pointerFile` is `dvd.lock`
 * (prefixed with the revision by history scopes, `v1:dvd.lock`); `cache: false` outputs
 * are Git's and are left out. `stages` narrows to some stages. Sorted by target.
 */
export function lockOutputRefs(lock: LockFile, stages?: Set<string>): PointerRef[] {
  const out: PointerRef[] = [];
  const seen = new Set<string>();
  for (const [name, entry] of lock) {
    if (stages && !stages.has(name)) continue;
    for (const o of entry.outs) {
      if (o.cache === false || seen.has(o.path)) continue;
      seen.add(o.path);
      out.push({ pointerFile: DVD_LOCK, target: o.path, pointer: pointerOfOut(o) });
    }
  }
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
