import path from 'node:path';
import type { PointerScan } from '../core/findPointers.js';
import { DvdError } from '../core/errors.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { readPointersAtRevs } from '../git/readPointersAtRev.js';
import { resolveRev } from '../git/resolveRev.js';

export interface Revision {
  /** What the user typed, or a branch/tag name, or a short hash: for messages. */
  label: string;
  /** Commit oid. */
  oid: string;
}

/** The Git work tree holding the dvd repo at `root`, and where `root` sits inside it. */
export function gitRootOf(root: string): { gitRoot: string; prefix: string } {
  const gitRoot = findGitRoot(root);
  if (!gitRoot) {
    throw new DvdError('ENOTGIT', `${root} is not inside a Git repository, so it has no revisions`, {
      hint: 'revisions need Git: run `git init` and commit your pointer files',
    });
  }
  const rel = path.relative(gitRoot, root).split(path.sep).join('/');
  return { gitRoot, prefix: rel === '' ? '' : `${rel}/` };
}

export async function resolveRevision(root: string, rev: string): Promise<Revision> {
  return { label: rev, oid: await resolveRev(gitRootOf(root).gitRoot, rev) };
}

/**
 * Pointers of each revision, with paths relative to the dvd root (which may be a
 * subfolder of the Git work tree), and those that cannot be read (see
 * readPointersAtRev). Pointers outside the dvd root belong to no one here.
 */
export async function pointersAtRevisions(root: string, revs: Revision[]): Promise<Map<string, PointerScan>> {
  const { gitRoot, prefix } = gitRootOf(root);
  const byOid = await readPointersAtRevs(gitRoot, revs);
  if (prefix === '') return byOid;
  const out = new Map<string, PointerScan>();
  for (const [oid, { refs, problems }] of byOid) {
    out.set(oid, {
      refs: refs
        .filter((r) => r.pointerFile.startsWith(prefix))
        .map((r) => ({ ...r, pointerFile: r.pointerFile.slice(prefix.length), target: r.target.slice(prefix.length) })),
      problems: problems.filter((p) => p.pointerFile.startsWith(prefix)).map((p) => ({ ...p, pointerFile: p.pointerFile.slice(prefix.length) })),
    });
  }
  return out;
}

/** Pointers of one revision (see pointersAtRevisions). */
export async function pointersAtRev(root: string, rev: Revision): Promise<PointerScan> {
  return (await pointersAtRevisions(root, [rev])).get(rev.oid)!;
}
