import { runGit } from './runGit.js';

const ZERO = '0'.repeat(40);

/**
 * Point `ref` (a full name, `refs/exps/...`) at commit `oid`. With `create`, only if the
 * ref does not exist yet (git checks it atomically; EGIT otherwise). Needs git.
 */
export function updateRef(root: string, ref: string, oid: string, o: { create?: boolean; message?: string } = {}): void {
  runGit(root, ['update-ref', ...(o.message ? ['-m', o.message] : []), ref, oid, ...(o.create ? [ZERO] : [])]);
}

/** Delete `ref` (a full name). Needs git. */
export function deleteRef(root: string, ref: string): void {
  runGit(root, ['update-ref', '-d', ref]);
}
