import type { ManifestEntry } from '../core/manifest.js';

/** A file or folder as it is in the workspace: a folder has `files` and its manifest's oid. */
export interface PathState {
  oid: string;
  size: number;
  files?: number;
  /** A folder's manifest entries (for counting which files changed). */
  entries?: ManifestEntry[];
}

/** Files added, modified and deleted between two manifests. */
export function countChanges(before: ManifestEntry[], after: ManifestEntry[]): { added: number; modified: number; deleted: number } {
  const old = new Map(before.map((e) => [e.path, e]));
  let added = 0;
  let modified = 0;
  for (const e of after) {
    const o = old.get(e.path);
    if (!o) added++;
    else if (o.oid !== e.oid || o.exec !== e.exec) modified++;
    old.delete(e.path);
  }
  return { added, modified, deleted: old.size };
}
