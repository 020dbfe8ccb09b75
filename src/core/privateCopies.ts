import fs from 'node:fs';
import path from 'node:path';
import { workspaceMode } from './fileMode.js';
import type { PointerRef } from './findPointers.js';
import { loadManifest } from './loadManifest.js';
import { hasObject, missingObject } from './objects.js';
import { objectPath } from './objectPath.js';
import type { Repo } from './repo.js';
import type { UserPaths } from './userPaths.js';
import { objectLinkOid } from './walkTarget.js';

// Files of a tracked target that are the cache's objects themselves (hardlink/symlink
// cache types) become private, writable copies: before `dvd untrack` lets go of them,
// and on `dvd unprotect` before an edit.

/** Paths (target-relative, '' for a file target) the pointer's version marks executable; empty when its manifest is not in the cache. */
export async function execBits(repo: Repo, ref: PointerRef): Promise<Set<string>> {
  if (ref.pointer.type === 'dir' && !hasObject(repo, ref.pointer.oid)) return new Set();
  return new Set((await loadManifest(repo, ref.pointer, ref.pointerFile)).filter((e) => e.exec).map((e) => e.path));
}

export interface PrivateCopy {
  file: string;
  /** What to copy: the file itself, or for dvd's link the object it names. */
  source: string;
  exec: boolean;
}

/**
 * The files under a target that share the cache (links, read-only hard links) and must
 * become private copies, with where each one's bytes are. dvd's link reads from this
 * repository's object, else from wherever it leads (a moved repository's link may
 * lead into another cache or nowhere); throws ENOOBJECT when neither has it. A link of
 * the user's (not shaped like a cache object path) stays a link. `inner` narrows it to a
 * path inside the target ('' for all of it); `exec` holds target-relative paths.
 */
export function sharedFiles(repo: Repo, ref: PointerRef, exec: Set<string>, paths: UserPaths, inner = ''): PrivateCopy[] {
  const out: PrivateCopy[] = [];
  const visit = (file: string, rel: string) => {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name), rel === '' ? name : `${rel}/${name}`);
      return;
    }
    const oid = st.isSymbolicLink() ? objectLinkOid(fs.readlinkSync(file)) : null;
    const shared = st.isSymbolicLink() ? oid !== null : st.nlink > 1 && (st.mode & 0o222) === 0;
    if (!shared) return;
    let source = file;
    if (oid && hasObject(repo, oid)) source = objectPath(repo.cacheDir, oid);
    else if (oid && !fs.existsSync(file)) throw missingObject(oid, paths.show(rel === '' ? ref.target : `${ref.target}/${rel}`));
    out.push({ file, source, exec: exec.has(rel) });
  };
  visit(path.join(repo.root, ref.target, inner), inner);
  return out;
}

/** Replace a shared file by a private copy with the workspace mode (umask applied) and its executable bit. */
export function makePrivate(c: PrivateCopy): void {
  const tmp = `${c.file}.dvd-private-${process.pid}`;
  fs.copyFileSync(c.source, tmp); // copyfile follows a link to the object's bytes
  fs.chmodSync(tmp, workspaceMode(c.exec));
  fs.renameSync(tmp, c.file);
}
