import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './runGit.js';

export interface TreeChange {
  path: string;
  /** 40 zeros when the path is absent on that side. */
  oldOid: string;
  newOid: string;
  /** The new side's mode (`100644`, `100755`, `120000`), `000000` when deleted. */
  newMode: string;
}

export const NO_OID = '0'.repeat(40);

/** Files that differ between commits `a` and `b` (recursively, renames as delete + add), from `git diff-tree`. */
export function treeChanges(root: string, a: string, b: string): TreeChange[] {
  const parts = runGit(root, ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', a, b]).stdout.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) [A-Z]/.exec(parts[i]);
    if (m) changes.push({ path: parts[i + 1], oldOid: m[3], newOid: m[4], newMode: m[2] });
  }
  return changes;
}

/** The blob oid Git would give each work tree file of `paths` now (NO_OID when it is not a regular file). */
export function workTreeOids(root: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>(paths.map((p) => [p, NO_OID]));
  const present = paths.filter((p) => fs.lstatSync(path.join(root, p), { throwIfNoEntry: false })?.isFile());
  if (present.length) {
    const oids = runGit(root, ['hash-object', '--no-filters', '--stdin-paths'], { input: `${present.join('\n')}\n` }).stdout.trim().split('\n');
    present.forEach((p, i) => out.set(p, oids[i]));
  }
  return out;
}
