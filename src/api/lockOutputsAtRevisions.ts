import type { PointerRef } from '../core/findPointers.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { DVD_LOCK, parseLock } from '../pipeline/lockFile.js';
import { lockOutputRefs } from './lockOutputs.js';
import { gitRootOf, type Revision } from './pointersAtRev.js';

/**
 * The cached outputs recorded in dvd.lock at each revision (read from Git objects, the
 * workspace untouched), by commit oid. A revision without dvd.lock has none; a dvd.lock
 * that does not parse is an error naming the revision (`v1:dvd.lock:7: ...`).
 */
export async function lockOutputsAtRevisions(root: string, revs: Revision[]): Promise<Map<string, PointerRef[]>> {
  const { gitRoot, prefix } = gitRootOf(root);
  const out = new Map<string, PointerRef[]>();
  const byBlob = new Map<string, PointerRef[]>();
  await Promise.all(
    revs.map(async (rev) => {
      const bytes = await readFileAtRev(gitRoot, rev.oid, `${prefix}${DVD_LOCK}`);
      if (!bytes) {
        out.set(rev.oid, []);
        return;
      }
      const text = bytes.toString('utf8');
      let refs = byBlob.get(text);
      if (!refs) {
        refs = lockOutputRefs(parseLock(text, `${rev.label}:${DVD_LOCK}`));
        byBlob.set(text, refs);
      }
      out.set(rev.oid, refs);
    }),
  );
  return out;
}
