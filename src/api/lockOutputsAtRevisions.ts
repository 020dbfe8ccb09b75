import { DvdError } from '../core/errors.js';
import type { PointerScan } from '../core/findPointers.js';
import { problemOf } from '../core/pointerProblem.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { DVD_LOCK, parseLock } from '../pipeline/lockFile.js';
import { lockOutputRefs } from './lockOutputs.js';
import { gitRootOf, type Revision } from './pointersAtRev.js';

/**
 * The cached outputs recorded in dvd.lock at each revision (read from Git objects, the
 * workspace untouched), by commit oid, shaped as pointers read at a revision are. A
 * revision without dvd.lock has none; a dvd.lock that does not parse is a problem of
 * pointer file `dvd.lock` whose message names the revision (`v1:dvd.lock:7: ...`), as
 * an unreadable pointer at a revision is (gc then deletes nothing).
 */
export async function lockOutputsAtRevisions(root: string, revs: Revision[]): Promise<Map<string, PointerScan>> {
  const { gitRoot, prefix } = gitRootOf(root);
  const out = new Map<string, PointerScan>();
  // Most commits share one dvd.lock blob: parse each text once (errors name their revision).
  const byBlob = new Map<string, PointerScan['refs']>();
  await Promise.all(
    revs.map(async (rev) => {
      const bytes = await readFileAtRev(gitRoot, rev.oid, `${prefix}${DVD_LOCK}`);
      if (!bytes) {
        out.set(rev.oid, { refs: [], problems: [] });
        return;
      }
      const text = bytes.toString('utf8');
      let refs = byBlob.get(text);
      if (!refs) {
        try {
          refs = lockOutputRefs(parseLock(text, `${rev.label}:${DVD_LOCK}`));
        } catch (err) {
          if (!(err instanceof DvdError && err.code === 'EPIPELINE')) throw err;
          out.set(rev.oid, { refs: [], problems: [problemOf(DVD_LOCK, err)] });
          return;
        }
        byBlob.set(text, refs);
      }
      out.set(rev.oid, { refs, problems: [] });
    }),
  );
  return out;
}
