import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from './errors.js';
import { checkoutTempOwner, isCheckoutTemp } from './placeFile.js';

export interface TempsOfTarget {
  /** Repo-relative POSIX path of the target. */
  target: string;
  type: 'file' | 'dir';
  /** Temp files a scan already found inside a folder target (absolute); absent: look for them. */
  inside?: string[];
}

/**
 * Delete the temp files a killed checkout left (placeFile.ts): beside each target
 * (`.model.bin.dvd-tmp-<pid>-<thread>-<n>`, from a single-file target) and inside each
 * folder target. Only under the repository lock: no live dvd is writing any of them
 * then. Each parent folder is read once, however many file targets it holds (`add -R`
 * makes thousands). Returns how many were deleted.
 */
export function removeCheckoutTemps(root: string, targets: TempsOfTarget[]): number {
  let removed = 0;
  const rm = (abs: string) => {
    try {
      fs.unlinkSync(abs);
      removed++;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  };
  const byParent = new Map<string, Set<string>>();
  for (const t of targets) {
    const parent = path.posix.dirname(t.target);
    let names = byParent.get(parent);
    if (!names) byParent.set(parent, (names = new Set()));
    names.add(path.posix.basename(t.target));
    if (t.type !== 'dir') continue;
    for (const abs of t.inside ?? tempsInside(path.join(root, t.target))) rm(abs);
  }
  for (const [parent, names] of byParent) {
    const dir = parent === '.' ? root : path.join(root, parent);
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
      throw err;
    }
    for (const name of entries) {
      const owner = checkoutTempOwner(name);
      if (owner !== null && names.has(owner)) rm(path.join(dir, name));
    }
  }
  return removed;
}

/** Checkout temp files anywhere under a folder (links are not followed). */
function tempsInside(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') || isErrno(err, 'EACCES')) continue;
      throw err;
    }
    for (const e of entries) {
      if (e.isDirectory()) stack.push(path.join(d, e.name));
      else if (e.isFile() && isCheckoutTemp(e.name)) out.push(path.join(d, e.name));
    }
  }
  return out;
}
