import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { parsePointer, POINTER_EXT, type Pointer } from './pointer.js';
import { toRepoPath } from './relPath.js';
import { normalizeScope } from './scope.js';
import { DVD_DIR } from './repo.js';

export interface PointerRef {
  /** Repo-relative POSIX path of the pointer file, e.g. `data/images.dvd`. */
  pointerFile: string;
  /** Repo-relative POSIX path of the target, e.g. `data/images`. */
  target: string;
  pointer: Pointer;
  /**
   * Set when the user named paths inside a tracked folder rather than the folder:
   * those paths, relative to the target (scope.ts). Absent: the whole target.
   */
  scope?: string[];
}

export function readPointerFile(root: string, pointerFile: string): PointerRef {
  const text = fs.readFileSync(path.join(root, pointerFile), 'utf8');
  const pointer = parsePointer(text, pointerFile);
  const dir = path.posix.dirname(pointerFile);
  return { pointerFile, target: dir === '.' ? pointer.path : `${dir}/${pointer.path}`, pointer };
}

// Walks the workspace for pointer files. A pointer sits beside its target, so when a
// folder lists `x.dvd` we read it and never descend into its target: the walk costs
// the code tree, not the (possibly million-file) data.
function walkForPointers(root: string, startRel: string, out: PointerRef[]): void {
  const stack = [startRel];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel === '' ? root : path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
      throw err;
    }
    const skip = new Set<string>();
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(POINTER_EXT) && e.name.length > POINTER_EXT.length) {
        const ref = readPointerFile(root, rel === '' ? e.name : `${rel}/${e.name}`);
        out.push(ref);
        skip.add(ref.pointer.path);
      }
    }
    for (const e of entries) {
      if (!e.isDirectory() || skip.has(e.name)) continue;
      if (rel === '' && (e.name === '.git' || e.name === DVD_DIR)) continue;
      subdirs.push(rel === '' ? e.name : `${rel}/${e.name}`);
    }
    stack.push(...subdirs.reverse());
  }
}

/** The tracked target that contains repo path `p` (p itself or an ancestor), if any. */
export function enclosingPointer(root: string, p: string): PointerRef | null {
  const parts = p.split('/');
  for (let i = parts.length; i >= 1; i--) {
    const candidate = parts.slice(0, i).join('/') + POINTER_EXT;
    if (fs.existsSync(path.join(root, candidate))) {
      const ref = readPointerFile(root, candidate);
      if (ref.target === parts.slice(0, i).join('/')) return ref;
    }
  }
  return null;
}

/**
 * Pointers named by `targets` (paths as the user typed them, relative to cwd), or every
 * pointer in the workspace when none are given. Sorted by pointer path.
 */
export function findPointers(root: string, cwd: string, targets: string[] = []): PointerRef[] {
  const out: PointerRef[] = [];
  if (targets.length === 0) {
    walkForPointers(root, '', out);
  } else {
    for (const t of targets) {
      const abs = path.resolve(cwd, t);
      const rel = toRepoPath(root, abs);
      if (rel === null) throw new DvdError('EOUTSIDE', `${t}: outside the repository ${root}`);
      if (rel === '') {
        walkForPointers(root, '', out);
        continue;
      }
      if (rel.endsWith(POINTER_EXT) && fs.existsSync(abs)) {
        out.push(readPointerFile(root, rel));
        continue;
      }
      const enclosing = enclosingPointer(root, rel);
      if (enclosing) {
        if (rel !== enclosing.target && enclosing.pointer.type === 'file') {
          throw new DvdError('ENOTTRACKED', `${t}: ${enclosing.target} is a file, tracked by ${enclosing.pointerFile}`);
        }
        out.push(rel === enclosing.target ? enclosing : { ...enclosing, scope: [rel.slice(enclosing.target.length + 1)] });
        continue;
      }
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(abs);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
      if (st?.isDirectory()) {
        const before = out.length;
        walkForPointers(root, rel, out);
        if (out.length > before) continue;
      }
      throw new DvdError('ENOTTRACKED', `${t}: not tracked by dvd (no ${path.basename(t)}${POINTER_EXT} beside it)`, {
        hint: st ? `track it with \`dvd add ${t}\`` : undefined,
      });
    }
  }
  // One ref per pointer; the paths named inside it add up, and naming the whole target
  // (or walking to it) wins over any path inside it.
  const seen = new Map<string, PointerRef>();
  for (const r of out) {
    const had = seen.get(r.pointerFile);
    if (!had) seen.set(r.pointerFile, r);
    else if (had.scope) seen.set(r.pointerFile, r.scope ? { ...had, scope: normalizeScope([...had.scope, ...r.scope]) } : r);
  }
  return [...seen.values()].sort((a, b) => (a.pointerFile < b.pointerFile ? -1 : a.pointerFile > b.pointerFile ? 1 : 0));
}
