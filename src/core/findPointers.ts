import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { looksLikePointer, parsePointer, POINTER_EXT, POINTER_MAX_BYTES, type Pointer } from './pointer.js';
import { problemOf, type PointerProblem } from './pointerProblem.js';
import { typedRepoPath } from './relPath.js';
import { normalizeScope } from './scope.js';
import { DVD_DIR } from './repo.js';
import { shellPath, UserPaths } from './userPaths.js';

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

/** The pointers a command works on, and the ones it must leave out and report. */
export interface PointerScan {
  /** Sorted by pointer file. */
  refs: PointerRef[];
  /** Pointers that cannot be read, and pointers that share their target with another. */
  problems: PointerProblem[];
}

/**
 * One pointer file, or why it cannot be used: a DvdError EBADPOINTER naming `label`
 * (the path to show the user), line and field; null when the file is data named like a
 * pointer, or gone (readPointerText).
 */
function readPointerOrError(root: string, pointerFile: string, label: string): PointerRef | DvdError | null {
  let text: string | null;
  try {
    text = readPointerText(path.join(root, pointerFile));
  } catch (err) {
    if (!isErrno(err, 'EACCES') && !isErrno(err, 'EPERM')) throw err;
    return new DvdError('EBADPOINTER', `${label}: cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (text === null) return null;
  let pointer: Pointer;
  try {
    pointer = parsePointer(text, label);
  } catch (err) {
    if (!(err instanceof DvdError && err.code === 'EBADPOINTER')) throw err;
    // In the workspace the fix is one command on this very file.
    const file = shellPath(label);
    const hint = err.data?.conflict
      ? `resolve the conflict: take one side with \`git checkout --ours -- ${file}\` (or --theirs), or run \`dvd install\` so the merge driver merges directory pointers`
      : `pointer files are written by dvd: restore this one with \`git checkout -- ${file}\`, or re-add its target`;
    return new DvdError(err.code, err.message, { hint, data: err.data, cause: err });
  }
  const dir = path.posix.dirname(pointerFile);
  return { pointerFile, target: dir === '.' ? pointer.path : `${dir}/${pointer.path}`, pointer };
}

/**
 * The text of a `*.dvd` file if it is a pointer (looksLikePointer: small, starting with
 * `path:` or a conflict marker), null when it is data that merely ends in .dvd, or not a
 * regular file. Opened without blocking, so a fifo of that name cannot hang the command.
 */
export function readPointerText(abs: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return null;
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > POINTER_MAX_BYTES) return null;
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return looksLikePointer(buf, got) ? buf.toString('utf8', 0, got) : null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One pointer file; throws DvdError EBADPOINTER (naming file, line and field) when it
 * cannot be used, ENOTPOINTER when the file is data named like a pointer.
 */
export function readPointerFile(root: string, pointerFile: string): PointerRef {
  const r = readPointerOrError(root, pointerFile, pointerFile);
  if (r === null) throw new DvdError('ENOTPOINTER', `${pointerFile}: not a dvd pointer (data named like one)`);
  if (r instanceof DvdError) throw r;
  return r;
}

/** Pointer files of one folder by the target name they give: two files for one name is an error. */
type FolderPointers = Map<string, string[]>;

const isPointerName = (name: string) => name.endsWith(POINTER_EXT) && name.length > POINTER_EXT.length;

/**
 * Which of some repo-relative files Git tracks, or null when that cannot be known; asked
 * only to word a fix (`git rm` or `rm`). Supplied by the api layer, which talks to Git.
 */
export type GitTracked = (files: string[]) => Set<string> | null;

export interface FindOptions {
  gitTracked?: GitTracked;
}

class PointerFinder {
  readonly refs: PointerRef[] = [];
  readonly problems: PointerProblem[] = [];
  private readonly folders = new Map<string, FolderPointers>();
  readonly paths: UserPaths;

  constructor(
    private readonly root: string,
    cwd: string,
    private readonly gitTracked?: GitTracked,
  ) {
    this.paths = new UserPaths(root, cwd);
  }

  /** The pointer, or null after recording why it cannot be used. */
  /** The pointer; null after recording why it cannot be used, 'data' when the file is not a pointer at all. */
  read(pointerFile: string): PointerRef | null | 'data' {
    const r = readPointerOrError(this.root, pointerFile, this.paths.show(pointerFile));
    if (r === null) return 'data';
    if (!(r instanceof DvdError)) return r;
    this.problems.push(problemOf(pointerFile, r));
    return null;
  }

  // Walks the workspace for pointer files. A pointer sits beside its target, so when a
  // folder lists `x.dvd` we read it and never descend into its target: the walk costs
  // the code tree, not the (possibly million-file) data.
  walk(startRel: string): void {
    const stack = [startRel];
    while (stack.length) {
      const rel = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(rel === '' ? this.root : path.join(this.root, rel), { withFileTypes: true });
      } catch (err) {
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
        throw err;
      }
      const skip = new Set<string>();
      const group: FolderPointers = new Map();
      for (const e of entries) {
        if (!e.isFile() || !isPointerName(e.name)) continue;
        const ref = this.read(rel === '' ? e.name : `${rel}/${e.name}`);
        if (ref === 'data') continue;
        // An unreadable pointer's target is most likely the folder named after it: data.
        const target = ref ? ref.pointer.path : e.name.slice(0, -POINTER_EXT.length);
        skip.add(target);
        if (!ref) continue;
        this.refs.push(ref);
        group.set(target, [...(group.get(target) ?? []), ref.pointerFile]);
      }
      this.folders.set(rel, group);
      const subdirs: string[] = [];
      for (const e of entries) {
        if (!e.isDirectory() || skip.has(e.name)) continue;
        if (rel === '' && (e.name === '.git' || e.name === DVD_DIR)) continue;
        subdirs.push(rel === '' ? e.name : `${rel}/${e.name}`);
      }
      stack.push(...subdirs.reverse());
    }
  }

  /** The readable pointers of folder `rel`, by target (read once per folder and command). */
  inFolder(rel: string): FolderPointers {
    let group = this.folders.get(rel);
    if (group) return group;
    group = new Map();
    let names: string[] = [];
    try {
      names = fs.readdirSync(rel === '' ? this.root : path.join(this.root, rel));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
    for (const name of names.sort()) {
      if (!isPointerName(name)) continue;
      const file = rel === '' ? name : `${rel}/${name}`;
      // A sibling that cannot be read is reported when a command works on it, not here.
      const r = readPointerOrError(this.root, file, file);
      if (r && !(r instanceof DvdError)) group.set(r.pointer.path, [...(group.get(r.pointer.path) ?? []), file]);
    }
    this.folders.set(rel, group);
    return group;
  }

  /**
   * Two pointer files that name one target (`cp data.dvd data-v1.dvd`, or a pointer whose
   * path names its neighbour's target) make every command a guess: commit would rewrite
   * both, checkout would flip the target between their versions. Such targets are left
   * out, with one problem naming every pointer involved.
   */
  dropSharedTargets(): void {
    const reported = new Set<string>();
    const shared = new Set<string>();
    for (const ref of this.refs) {
      const dir = path.posix.dirname(ref.pointerFile);
      const files = [...(this.inFolder(dir === '.' ? '' : dir).get(ref.pointer.path) ?? [])].sort();
      if (files.length < 2) continue;
      shared.add(ref.pointerFile);
      if (reported.has(ref.target)) continue;
      reported.add(ref.target);
      const others = files.filter((f) => f !== ref.pointerFile);
      const err = sharedTargetError(this.paths, ref.target, files, this.gitTracked);
      this.problems.push(problemOf(ref.pointerFile, err, others));
    }
    if (shared.size) this.refs.splice(0, this.refs.length, ...this.refs.filter((r) => !shared.has(r.pointerFile)));
  }

  /** The pointer whose target is `p` or an ancestor of it, null when none; 'unreadable' after recording why it cannot be used. */
  enclosing(p: string): PointerRef | null | 'unreadable' {
    const parts = p.split('/');
    for (let i = parts.length; i >= 1; i--) {
      const target = parts.slice(0, i).join('/');
      const candidate = target + POINTER_EXT;
      if (!fs.existsSync(path.join(this.root, candidate))) continue;
      const ref = this.read(candidate);
      if (ref === 'data') continue;
      if (!ref) return 'unreadable';
      if (ref.target === target) return ref;
    }
    return null;
  }
}

/**
 * Two or more pointer files name `target`. The hint proposes keeping `<target>.dvd`
 * (the name dvd add gives) when it is one of them, and removing the others with a
 * command that works when pasted: `git rm` for a copy Git tracks, `rm` for one it does
 * not (`git rm` of an untracked file fails).
 */
export function sharedTargetError(paths: UserPaths, target: string, files: string[], gitTracked?: GitTracked): DvdError {
  const names = files.map((f) => paths.show(f));
  const list = names.length === 2 ? `${names[0]} and ${names[1]} both` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} all`;
  const own = `${target}${POINTER_EXT}`;
  const drop = files.filter((f) => f !== (files.includes(own) ? own : files[0]));
  const tracked = gitTracked?.(drop) ?? null;
  const commands: string[] = [];
  if (tracked === null) commands.push(`${paths.command('rm', drop)}\` (and \`${paths.command('git rm --cached', drop)}\` for what Git tracks)`);
  else {
    const inGit = drop.filter((f) => tracked.has(f));
    const notInGit = drop.filter((f) => !tracked.has(f));
    if (inGit.length) commands.push(`${paths.command('git rm', inGit)}\``);
    if (notInGit.length) commands.push(`${paths.command('rm', notInGit)}\``);
  }
  return new DvdError('EDUPTARGET', `${list} name ${paths.show(target)} as their target; dvd will not guess which one is meant`, {
    hint: `keep one pointer per target, e.g. \`${commands.join(' and `')}; to keep an old version, tag its commit instead of copying its pointer`,
    data: { target, pointerFiles: files },
  });
}

/**
 * A function giving the readable pointer files beside a repo path that name it as their
 * target (normally just `<target>.dvd`; more, or another name, after a copy or a
 * rename). Each folder is read once, so checking every file of `dvd add --glob 'x/*'`
 * reads x's pointers once, not once per file.
 */
export function pointersNaming(root: string): (target: string) => string[] {
  const finder = new PointerFinder(root, root);
  return (target) => {
    const slash = target.lastIndexOf('/');
    return finder.inFolder(slash === -1 ? '' : target.slice(0, slash)).get(target.slice(slash + 1)) ?? [];
  };
}

/**
 * The tracked target that contains repo path `p` (p itself or an ancestor), if any.
 * Throws DvdError EBADPOINTER when the pointer that would say so cannot be read.
 */
export function enclosingPointer(root: string, p: string, cwd = root): PointerRef | null {
  const finder = new PointerFinder(root, cwd);
  const r = finder.enclosing(p);
  if (r === 'unreadable') throw new DvdError(finder.problems[0].code, finder.problems[0].message, { hint: finder.problems[0].hint });
  return r;
}

/**
 * Pointers named by `targets` (paths as the user typed them, relative to cwd), or every
 * pointer in the workspace when none are given. A pointer that cannot be read, or that
 * shares its target with another pointer file, is not returned but reported in
 * `problems` (messages name paths relative to cwd): the caller works on the rest.
 * Throws for a target outside the repository or not tracked at all.
 */
export function findPointers(root: string, cwd: string, targets: string[] = [], opts: FindOptions = {}): PointerScan {
  const finder = new PointerFinder(root, cwd, opts.gitTracked);
  if (targets.length === 0) finder.walk('');
  for (const t of targets) {
    const abs = path.resolve(cwd, t);
    const rel = typedRepoPath(root, cwd, t);
    if (rel === '') {
      finder.walk('');
      continue;
    }
    if (rel.endsWith(POINTER_EXT) && fs.existsSync(abs)) {
      const ref = finder.read(rel);
      if (ref !== 'data') {
        if (ref) finder.refs.push(ref);
        continue;
      }
    }
    const enclosing = finder.enclosing(rel);
    if (enclosing === 'unreadable') continue;
    if (enclosing) {
      if (rel !== enclosing.target && enclosing.pointer.type === 'file') {
        throw new DvdError('ENOTTRACKED', `${t}: ${finder.paths.show(enclosing.target)} is a file, tracked by ${finder.paths.show(enclosing.pointerFile)}`);
      }
      finder.refs.push(rel === enclosing.target ? enclosing : { ...enclosing, scope: [rel.slice(enclosing.target.length + 1)] });
      continue;
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    if (st?.isDirectory()) {
      const before = finder.refs.length + finder.problems.length;
      finder.walk(rel);
      if (finder.refs.length + finder.problems.length > before) continue;
    }
    throw new DvdError('ENOTTRACKED', `${t}: not tracked by dvd (no ${path.basename(t)}${POINTER_EXT} beside it)`, {
      hint: !st ? undefined : rel.endsWith(POINTER_EXT) ? 'a data file named *.dvd is tracked as part of its folder: add the folder' : `track it with \`dvd add ${shellPath(t)}\``,
    });
  }
  // One ref per pointer; the paths named inside it add up, and naming the whole target
  // (or walking to it) wins over any path inside it.
  const seen = new Map<string, PointerRef>();
  for (const r of finder.refs) {
    const had = seen.get(r.pointerFile);
    if (!had) seen.set(r.pointerFile, r);
    else if (had.scope) seen.set(r.pointerFile, r.scope ? { ...had, scope: normalizeScope([...had.scope, ...r.scope]) } : r);
  }
  finder.refs.splice(0, finder.refs.length, ...[...seen.values()].sort((a, b) => (a.pointerFile < b.pointerFile ? -1 : a.pointerFile > b.pointerFile ? 1 : 0)));
  finder.dropSharedTargets();
  const problems = new Map<string, PointerProblem>();
  for (const p of finder.problems) problems.set(p.message, p);
  return { refs: finder.refs, problems: [...problems.values()] };
}
