import { DvdError } from '../core/errors.js';
import type { PointerRef } from '../core/findPointers.js';
import { POINTER_EXT } from '../core/pointer.js';
import type { GitRepo } from '../git/gitHandle.js';
import { readPointersAtRev } from '../git/readPointersAtRev.js';
import { isSameOrInside } from '../pipeline/buildDag.js';
import { DVD_LOCK, type LockEntry } from '../pipeline/lockFile.js';
import { readLockAtRev } from '../pipeline/readLockAtRev.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';

export interface TrackedAtRev {
  /** What tracks `want` (or the folder holding it): a pointer file, or a stage output in dvd.lock. */
  ref: PointerRef | null;
  /** For a stage output: the stage and its dvd.lock entry at the commit. */
  stage?: { name: string; entry: LockEntry };
  /** Every tracked target at the commit (for "tracked there: ..." hints), when nothing matched. */
  tracked: string[];
}

/**
 * What tracks repo path `want` at commit `commit`: a `.dvd` pointer (the pointer file
 * itself, its target, or a path inside a tracked folder), else a cached output of a stage
 * in that commit's dvd.lock (a `cache: false` output is in Git, not tracked by dvd). A
 * stage output is returned as a pointer-like ref whose `pointerFile` reads
 * `dvd.lock (stage NAME)`, for messages. dvd.lock is read only when no pointer matches.
 * `rev` labels errors. Throws the pointer's DvdError (EBADPOINTER ...) when the pointer
 * that would track `want` cannot be read, and EPIPELINE when dvd.lock cannot.
 */
export async function findTrackedAtRev(repo: GitRepo, commit: string, rev: string, want: string): Promise<TrackedAtRev> {
  const { refs, problems } = await readPointersAtRev(repo, commit, rev);
  const byPointer = refs.find((r) => r.pointerFile === want || r.target === want) ?? refs.find((r) => r.pointer.type === 'dir' && want.startsWith(`${r.target}/`));
  if (byPointer) return { ref: byPointer, tracked: [] };
  // Other pointers of that revision may be broken; only the one asked for matters.
  const bad = problems.find((p) => p.pointerFile === want || p.pointerFile === `${want}${POINTER_EXT}` || want.startsWith(`${p.pointerFile.slice(0, -POINTER_EXT.length)}/`));
  if (bad) throw new DvdError(bad.code, bad.message, { hint: bad.hint });
  const lock = await readLockAtRev(repo, commit, rev);
  const outs = [...lock].flatMap(([name, entry]) => entry.outs.filter((o) => o.cache !== false).map((o) => ({ name, entry, out: o })));
  const hit = outs.find((x) => x.out.path === want) ?? outs.find((x) => x.out.files !== undefined && isSameOrInside(want, x.out.path));
  if (!hit) return { ref: null, tracked: [...refs.map((r) => r.target), ...outs.map((x) => x.out.path)].sort() };
  return { ref: { pointerFile: `${DVD_LOCK} (stage ${hit.name})`, target: hit.out.path, pointer: pointerOfOut(hit.out) }, stage: { name: hit.name, entry: hit.entry }, tracked: [] };
}
