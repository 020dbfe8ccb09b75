import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { IGNORE_FILE, IgnoreRules } from './ignoreRules.js';
import { objectPath } from './objectPath.js';
import { untrackableName } from './trackableName.js';
import type { UserPaths } from './userPaths.js';
import { quoteText } from './quoteText.js';
import { isCheckoutTemp } from './placeFile.js';

export interface WalkEntry {
  /** POSIX path relative to the walked folder. */
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  exec: boolean;
  /** Set when the entry is dvd's own link to a cache object (cache type symlink): its object. */
  linkOid?: string;
  /**
   * dvd's own link that does not lead to this repository's cache object (it dangles, or
   * leads into another cache after the repository was moved or copied): checkout
   * re-creates it.
   */
  relink?: true;
  /**
   * True for a file shared with the cache (a read-only hard link, or a symlink into the
   * cache): its mode is the object's, so its executable bit says nothing.
   */
  execUnknown?: boolean;
}

/**
 * Something in tracked data dvd will not store: a symbolic link that is not dvd's own
 * (DESIGN rule 4), a fifo, socket or device, or a name no pointer or manifest can hold
 * (trackableName.ts). The walk leaves it out and says so; each command decides what that
 * means for the target (issue 9 B7, B12).
 */
export interface RefusedEntry {
  /** Relative to the walked target ('' for the target itself). */
  path: string;
  code: 'ESYMLINK' | 'ESPECIAL' | 'EBADNAME';
  /** Why, as a phrase after the path: "is a symbolic link; ...". */
  why: string;
}

/** What a target path holds now: a folder's files, one file (path ''), or nothing. */
export interface TargetWalk {
  kind: 'dir' | 'file' | 'missing';
  entries: WalkEntry[];
  /** Absolute paths of checkout temp files a killed dvd left in the folder (not data). */
  temps: string[];
  /** Target-relative paths of other tools' metadata folders the walk skipped (.git, ...). */
  skipped: string[];
  /** Entries left out of `entries` because dvd cannot store them. */
  refused: RefusedEntry[];
}

export interface WalkOptions {
  cacheDir: string;
  /** Repository root and the target's repo-relative path: where .dvdignore files are found. */
  root: string;
  target: string;
  /**
   * Target-relative paths of the files the pointer records, asked for only when a
   * .dvdignore rule matches something: a recorded file stays data even if a rule now
   * matches it, as a file Git tracks is not ignored (README: .dvdignore).
   */
  tracked?: () => Iterable<string> | null;
  /** Walk only these target-relative paths of a folder target (scope.ts). */
  scope?: string[];
}

// A file being checked out is written as `.<name>.dvd-tmp-<pid>-<thread>-<n>` beside its
// destination (placeFile.ts). One left by a killed dvd (Ctrl-C) is not the user's data:
// the walk skips it, so status does not call it added and add does not store it, and
// checkout deletes it.

const LINK_WHY = 'is a symbolic link; dvd does not store links inside tracked data';
const SPECIAL_WHY = 'not a regular file or folder (fifo, socket or device)';
const NOT_UTF8_WHY = 'cannot be tracked: its name is not valid UTF-8';

// Other tools' repository metadata inside tracked data (a data folder that is itself a
// clone) is not data: versioning it would let checkout rewind that repository. The walk
// skips these names, folder or file (a linked worktree's `.git` is a file), as DVC does.
const METADATA_NAMES = new Set(['.git', '.hg', '.svn', '.dvd']);

/** True when a target-relative path lies in another tool's metadata folder (see METADATA_NAMES). */
export function isMetadataPath(p: string): boolean {
  if (p.charCodeAt(0) !== 46 /* . */ && !p.includes('/.')) return false;
  return p.split('/').some((seg) => METADATA_NAMES.has(seg));
}

/**
 * Walk a tracked target, whatever it is. A single-file target goes through the same
 * entry builders as a folder's files, so a symlink into the cache (cache type symlink)
 * is sized by its object, not by the link.
 */
export function walkAt(abs: string, o: WalkOptions): TargetWalk {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  const walk: TargetWalk = { kind: 'missing', entries: [], temps: [], skipped: [], refused: [] };
  if (!st) return walk;
  if (st.isDirectory()) {
    walk.kind = 'dir';
    const isTracked = trackedLookup(o);
    if (o.scope) for (const s of o.scope) walkScopePath(abs, o, walk, s, isTracked);
    else walkTarget(abs, o, walk, targetEntry(o), isTracked);
    return walk;
  }
  walk.kind = 'file';
  const entry = st.isSymbolicLink() ? linkEntry('', abs, o.cacheDir) : st.isFile() ? fileEntry('', st) : null;
  if (entry) walk.entries.push(entry);
  else walk.refused.push(st.isSymbolicLink() ? { path: '', code: 'ESYMLINK', why: 'is a symbolic link; dvd does not track links' } : { path: '', code: 'ESPECIAL', why: SPECIAL_WHY });
  return walk;
}

/** The walk's start: the target folder with the .dvdignore rules above it. */
export function targetEntry(o: WalkOptions): StackEntry {
  return { rel: '', rules: IgnoreRules.forFolder(o.root, parentOf(o.target)), inIgnored: false };
}

/** The walk's "is it recorded?" question for `o`; reads `o.tracked` at the first call only. */
export function trackedLookup(o: WalkOptions): IsTracked {
  let tracked: { files: Set<string>; dirs: Set<string> } | null | undefined;
  return (r: string, isDir: boolean): boolean => {
    if (tracked === undefined) tracked = trackedSets(o.tracked?.() ?? null);
    return tracked !== null && (isDir ? tracked.dirs : tracked.files).has(r);
  };
}

export const parentOf = (rel: string) => {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
};

export type IsTracked = (r: string, isDir: boolean) => boolean;

/**
 * Walk one scope path `s` of a folder target (a file or folder inside it): the same
 * entries, skips and rules as the whole walk gives for that part, without reading the
 * rest. A folder on the way that is a user's link is refused, as the whole walk refuses it.
 */
function walkScopePath(dir: string, o: WalkOptions, out: TargetWalk, s: string, isTracked: IsTracked): void {
  if (isMetadataPath(s)) return;
  const parts = s.split('/');
  for (let i = 1; i < parts.length; i++) {
    const r = parts.slice(0, i).join('/');
    const st = fs.lstatSync(path.join(dir, r), { throwIfNoEntry: false });
    if (st?.isSymbolicLink() && !linkEntry(r, path.join(dir, r), o.cacheDir)) out.refused.push({ path: r, code: 'ESYMLINK', why: LINK_WHY });
    if (!st?.isDirectory()) return; // nothing of the scope is here
  }
  const full = path.join(dir, s);
  const st = fs.lstatSync(full, { throwIfNoEntry: false });
  if (!st) return;
  const rules = IgnoreRules.forFolder(o.root, parentOf(`${o.target}/${s}`));
  const isDir = st.isDirectory();
  const ignored = rules.match(`${o.target}/${s}`, isDir) !== null;
  if (ignored && !isTracked(s, isDir)) return;
  const bad = untrackableName(path.basename(s));
  if (bad) out.refused.push({ path: s, code: 'EBADNAME', why: `cannot be tracked: its name ${bad}` });
  else if (isDir) walkTarget(dir, o, out, { rel: s, rules, inIgnored: ignored }, isTracked);
  else if (isCheckoutTemp(path.basename(s))) out.temps.push(full);
  else if (st.isFile()) out.entries.push(fileEntry(s, st));
  else if (st.isSymbolicLink()) addLink(out, s, full, o.cacheDir);
  else out.refused.push({ path: s, code: 'ESPECIAL', why: SPECIAL_WHY });
}

// The workspace walk: synchronous readdir + lstat. On this machine a sync lstat costs
// ~1.5 us while an fs.promises.lstat round trip through libuv's pool costs ~15 us, so
// for 20,000 - 1,000,000 entries the sync walk is several times faster. Without any
// .dvdignore the rules cost one name comparison per entry; with plain-name rules
// (ignoreRules.ts) a set lookup and a suffix test. What dvd cannot store goes to
// `out.refused`, never silently away.
//
// Files come out in walk order: full target-relative paths in UTF-16 code unit order
// (each folder's names sorted, a folder as if its name ended in '/'), the order the
// stat cache keeps, so each file finds its entry at the cache's cursor (statCache.ts).
// Paths are lstat'ed relative to the walked folder, made the process's working folder
// for the walk: the kernel then resolves 3-4 path components per file instead of ~10,
// which took the lstat pass of 100,000 files from 0.62 to 0.47 s of system time here.
function walkTarget(dir: string, o: WalkOptions, out: TargetWalk, start: StackEntry, isTracked: IsTracked): void {
  inFolder(dir, (base) => walkFolder(dir, base, o, out, start, isTracked));
}

/**
 * Run `fn` with `dir` as the process's working folder (see walkTarget), passing it the
 * prefix that makes a target-relative path usable: '' there, else (a worker thread, a
 * folder we may not enter) the absolute folder plus '/'. A failed call's error names
 * the absolute path, as from any other call. The walk is synchronous: nothing else of
 * this process runs while it is elsewhere, and every other path dvd uses is absolute
 * (the walk's worker threads too: parallelWalk.ts).
 */
export function inFolder<T>(dir: string, fn: (base: string) => T): T {
  const home = enter(dir);
  try {
    return fn(home === null ? `${dir}/` : '');
  } catch (err) {
    throw absoluteError(dir, err);
  } finally {
    if (home !== null) process.chdir(home);
  }
}

/** `err` of a call relative to `dir`, made to name the absolute path the user knows, as from any other call. */
export function absoluteError(dir: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.path === 'string' && !path.isAbsolute(e.path)) {
    e.message = e.message.replace(`'${e.path}'`, `'${path.join(dir, e.path)}'`);
    e.path = path.join(dir, e.path);
  }
  return err;
}

/** Where walkFolder puts what it finds: a TargetWalk, or a worker's columns (walkColumns.ts). */
export interface WalkSink {
  entries: { push(e: WalkEntry): unknown };
  temps: string[];
  skipped: string[];
  refused: RefusedEntry[];
}

/**
 * Walk one folder (`here.rel`) and those inside it; `base` is '' or the absolute target
 * folder plus '/'. With `descend`, a folder inside is handed to it instead of walked
 * (parallelWalk.ts plans its units so); it is called where the folder's files belong in
 * walk order.
 */
export function walkFolder(dir: string, base: string, o: WalkOptions, out: WalkSink, here: StackEntry, isTracked: IsTracked, descend?: (here: StackEntry) => void): void {
  const prefix = `${o.target}/`;
  // One ignore chain per folder: the rules above the folder, then the folder's own
  // .dvdignore. `inIgnored`: a folder a rule ignores, entered only for the recorded
  // files inside it; anything else in it is ignored too.
  const { rel, rules: above, inIgnored } = here;
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(rel === '' ? (base === '' ? '.' : base) : base + rel, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT') && rel !== '') {
      // Node decodes a name that is not UTF-8 with U+FFFD, and then cannot open it.
      if (rel.includes('\ufffd')) out.refused.push({ path: rel, code: 'EBADNAME', why: NOT_UTF8_WHY });
      return; // else: removed while we walked
    }
    throw err;
  }
  names.sort(walkOrder);
  let rules = above;
  for (const d of names) {
    if (d.name === IGNORE_FILE) {
      rules = above.withFolder(o.root, rel === '' ? o.target : prefix + rel);
      break;
    }
  }
  const filtered = inIgnored || !rules.isEmpty;
  for (const d of names) {
    const r = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.name.charCodeAt(0) === 46 /* . */ && METADATA_NAMES.has(d.name)) {
      out.skipped.push(r);
      continue;
    }
    let ignored = false;
    if (filtered) {
      ignored = inIgnored || rules.match(prefix + r, d.isDirectory()) !== null;
      if (ignored && !isTracked(r, d.isDirectory())) continue;
    }
    const bad = untrackableName(d.name);
    if (bad) {
      out.refused.push({ path: r, code: 'EBADNAME', why: `cannot be tracked: its name ${bad}` });
    } else if (d.isDirectory()) {
      if (descend) descend({ rel: r, rules, inIgnored: ignored });
      else walkFolder(dir, base, o, out, { rel: r, rules, inIgnored: ignored }, isTracked);
    } else if (isCheckoutTemp(d.name)) {
      out.temps.push(`${dir}/${r}`);
    } else if (d.isFile()) {
      const st = fs.lstatSync(base + r, { throwIfNoEntry: false });
      if (st) out.entries.push(fileEntry(r, st));
      else if (d.name.includes('\ufffd')) out.refused.push({ path: r, code: 'EBADNAME', why: NOT_UTF8_WHY });
    } else if (d.isSymbolicLink()) {
      addLink(out, r, path.join(dir, r), o.cacheDir);
    } else {
      out.refused.push({ path: r, code: 'ESPECIAL', why: SPECIAL_WHY });
    }
  }
}

/**
 * Make `dir` the working folder and return the one to go back to; null (nothing
 * changed: the walk then uses absolute paths) when either is not possible: a worker
 * thread, a working folder that was deleted, a folder we may not enter (the walk's
 * readdir then reports that as before).
 */
function enter(dir: string): string | null {
  try {
    const home = process.cwd();
    process.chdir(dir);
    return home;
  } catch {
    return null;
  }
}

/**
 * Walk order of one folder's entries: by name, a folder as if its name ended in '/',
 * which makes the walk's full paths come out in code unit order ("a-b", "a.txt", then
 * "a/x": '-' and '.' sort before '/').
 */
function walkOrder(a: fs.Dirent, b: fs.Dirent): number {
  const x = a.name;
  const y = b.name;
  if (x.length < y.length && a.isDirectory() && y.startsWith(x)) return y.charCodeAt(x.length) < 47 ? 1 : -1;
  if (y.length < x.length && b.isDirectory() && x.startsWith(y)) return x.charCodeAt(y.length) < 47 ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface StackEntry {
  rel: string;
  rules: IgnoreRules;
  inIgnored: boolean;
}

/** Files and every folder holding one, for the walk's "is it recorded?" question. */
function trackedSets(paths: Iterable<string> | null): { files: Set<string>; dirs: Set<string> } | null {
  if (paths === null) return null;
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const p of paths) {
    files.add(p);
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  }
  return { files, dirs };
}

function fileEntry(p: string, st: fs.Stats): WalkEntry {
  return {
    path: p, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, exec: (st.mode & 0o100) !== 0,
    execUnknown: st.nlink > 1 && (st.mode & 0o222) === 0 ? true : undefined,
  };
}

// dvd's own links (cache type symlink) lead to `<cache>/sha256/ab/<62 hex>`. They are
// recognised by that shape, not by this repository's cache path: a repository moved
// (`mv`) or copied (`cp -a`) with absolute links has links that dangle or lead into
// another repository's cache, and they are still dvd's, with their oid in their target.
const OBJECT_LINK = /(?:^|[\\/])sha256[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{62})$/;

/** The oid a link's target names when it is shaped like a cache object path (dvd's own link), else null. */
export function objectLinkOid(target: string): string | null {
  const m = OBJECT_LINK.exec(target);
  return m ? m[1] + m[2] : null;
}

/** True when `link` is dvd's own link to a cache object (any cache, even a vanished one). */
export function isObjectLink(link: string): boolean {
  return objectLinkOid(fs.readlinkSync(link)) !== null;
}

/**
 * dvd's own link becomes its object's entry (marked `relink` when it does not lead to
 * this repository's cache object); null for any other symlink.
 * Decision (README): dvd refuses symlinks inside tracked data rather than store them;
 * following one could read or later write outside the workspace (rule 4).
 */
function linkEntry(p: string, link: string, cacheDir: string): WalkEntry | null {
  const target = fs.readlinkSync(link);
  const linkOid = objectLinkOid(target);
  const lst = linkOid ? fs.lstatSync(link, { throwIfNoEntry: false }) : undefined;
  if (linkOid && lst) {
    const own = objectPath(cacheDir, linkOid);
    const ownSt = fs.statSync(own, { throwIfNoEntry: false });
    const home = ownSt !== undefined && path.resolve(path.dirname(link), target) === own;
    // The size is the object's: this cache's copy, else whatever the link reaches, else
    // unknown (0; status and checkout take the manifest's for the same oid).
    const size = ownSt?.size ?? fs.statSync(link, { throwIfNoEntry: false })?.size ?? 0;
    const entry: WalkEntry = { path: p, size, mtimeMs: lst.mtimeMs, ino: lst.ino, exec: false, linkOid, execUnknown: true };
    if (!home) entry.relink = true;
    return entry;
  }
  return null;
}

/** A link inside a folder target: dvd's own becomes an entry, a user's is refused. */
function addLink(out: WalkSink, p: string, link: string, cacheDir: string): void {
  const entry = linkEntry(p, link, cacheDir);
  if (entry) out.entries.push(entry);
  else out.refused.push({ path: p, code: 'ESYMLINK', why: LINK_WHY });
}

/**
 * A manifest without entries inside other tools' metadata folders: one recorded before
 * the walk skipped them must not make checkout write into a clone's `.git`, nor status
 * call them deleted. The next commit drops them from the manifest.
 */
export function withoutMetadata<T extends { path: string }>(entries: T[]): T[] {
  return entries.some((e) => isMetadataPath(e.path)) ? entries.filter((e) => !isMetadataPath(e.path)) : entries;
}

/** What the user can do about refused entries, as one sentence. */
function refusedHint(refused: RefusedEntry[]): string {
  if (refused.length === 1 && refused[0].path === '') {
    return refused[0].code === 'ESYMLINK' ? 'replace the link with the file or folder it points to' : 'replace it with a regular file';
  }
  const ways: string[] = [];
  if (refused.some((e) => e.code === 'ESYMLINK')) ways.push('replace a link with the file it points to');
  if (refused.some((e) => e.code === 'EBADNAME')) ways.push('rename a file whose name dvd cannot record (in text lines)');
  ways.push('move it out of the tracked folder');
  return ways.join(', or ');
}

/**
 * The error for a target holding entries dvd cannot store, listing them (paths relative
 * to the user's folder; names quoted when they hold odd characters). `pointerFile` is
 * named when the target is tracked already. Code: the first entry's.
 */
export function refusedError(refused: RefusedEntry[], target: string, paths: UserPaths, pointerFile?: string): DvdError {
  const shown = (e: RefusedEntry) => {
    const p = paths.show(e.path === '' ? target : `${target}/${e.path}`);
    return `${e.code === 'EBADNAME' ? quoteText(p, 200) : p}: ${e.why}`;
  };
  const of = pointerFile ? ` (${paths.show(pointerFile)})` : '';
  const message =
    refused.length === 1
      ? `${shown(refused[0])}${of}`
      : `${paths.show(target)}${of}: ${refused.length} entries dvd cannot store:\n${refused.slice(0, 20).map((e) => `  ${shown(e)}`).join('\n')}${refused.length > 20 ? `\n  ... and ${refused.length - 20} more` : ''}`;
  return new DvdError(refused[0].code, message, { hint: refusedHint(refused), data: { refused } });
}
