import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { untrackableName } from './trackableName.js';
import type { UserPaths } from './userPaths.js';

export interface WalkEntry {
  /** POSIX path relative to the walked folder. */
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  exec: boolean;
  /** Set when the entry is a symlink into the cache (cache type symlink): its object. */
  linkOid?: string;
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
  /** Entries left out of `entries` because dvd cannot store them. */
  refused: RefusedEntry[];
}

const LINK_WHY = 'is a symbolic link; dvd does not store links inside tracked data';
const SPECIAL_WHY = 'not a regular file or folder (fifo, socket or device)';
const NOT_UTF8_WHY = 'cannot be tracked: its name is not valid UTF-8';

// A file being checked out is written as `.<name>.dvd-tmp-<pid>-<thread>-<n>` beside its
// destination (placeFile.ts). One left by a killed dvd (Ctrl-C) is not the user's data:
// the walk skips it, so status does not call it added and add does not store it, and
// checkout deletes it.
const CHECKOUT_TEMP = /^\..+\.dvd-tmp-\d+(?:-\d+)+$/;

/**
 * Walk a tracked target, whatever it is. A single-file target goes through the same
 * entry builders as a folder's files, so a symlink into the cache (cache type symlink)
 * is sized by its object, not by the link.
 */
export function walkAt(abs: string, cacheDir: string): TargetWalk {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  const walk: TargetWalk = { kind: 'missing', entries: [], temps: [], refused: [] };
  if (!st) return walk;
  if (st.isDirectory()) {
    walk.kind = 'dir';
    walk.entries = walkTarget(abs, cacheDir, walk.temps, walk.refused);
    return walk;
  }
  walk.kind = 'file';
  const entry = st.isSymbolicLink() ? linkEntry('', abs, cachePrefixOf(cacheDir)) : st.isFile() ? fileEntry('', st) : null;
  if (entry) walk.entries.push(entry);
  else walk.refused.push(st.isSymbolicLink() ? { path: '', code: 'ESYMLINK', why: 'is a symbolic link; dvd does not track links' } : { path: '', code: 'ESPECIAL', why: SPECIAL_WHY });
  return walk;
}

// The workspace walk: synchronous readdir + lstat. On this machine a sync lstat costs
// ~1.5 us while an fs.promises.lstat round trip through libuv's pool costs ~15 us, so
// for 20,000 - 1,000,000 entries the sync walk is several times faster. What dvd cannot
// store goes to `refused`, never silently away.
export function walkTarget(dir: string, cacheDir: string | undefined, temps: string[], refused: RefusedEntry[]): WalkEntry[] {
  const cachePrefix = cacheDir ? cachePrefixOf(cacheDir) : null;
  const out: WalkEntry[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const abs = rel === '' ? dir : path.join(dir, rel);
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT') && rel !== '') {
        // Node decodes a name that is not UTF-8 with U+FFFD, and then cannot open it.
        if (rel.includes('\ufffd')) refused.push({ path: rel, code: 'EBADNAME', why: NOT_UTF8_WHY });
        continue; // else: removed while we walked
      }
      throw err;
    }
    for (const d of names) {
      const r = rel === '' ? d.name : `${rel}/${d.name}`;
      const bad = untrackableName(d.name);
      if (bad) {
        refused.push({ path: r, code: 'EBADNAME', why: `cannot be tracked: its name ${bad}` });
      } else if (d.isDirectory()) {
        stack.push(r);
      } else if (d.name.includes('.dvd-tmp-') && CHECKOUT_TEMP.test(d.name)) {
        temps.push(`${dir}/${r}`);
      } else if (d.isFile()) {
        const st = fs.lstatSync(path.join(dir, r), { throwIfNoEntry: false });
        if (st) out.push(fileEntry(r, st));
        else if (d.name.includes('\ufffd')) refused.push({ path: r, code: 'EBADNAME', why: NOT_UTF8_WHY });
      } else if (d.isSymbolicLink()) {
        const link = linkEntry(r, path.join(dir, r), cachePrefix);
        if (link) out.push(link);
        else refused.push({ path: r, code: 'ESYMLINK', why: LINK_WHY });
      } else {
        refused.push({ path: r, code: 'ESPECIAL', why: SPECIAL_WHY });
      }
    }
  }
  return out;
}

function fileEntry(p: string, st: fs.Stats): WalkEntry {
  return {
    path: p, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, exec: (st.mode & 0o100) !== 0,
    execUnknown: st.nlink > 1 && (st.mode & 0o222) === 0 ? true : undefined,
  };
}

/**
 * A symlink into the cache becomes its object's entry; null for any other symlink.
 * Decision (README): dvd refuses symlinks inside tracked data rather than store them;
 * following one could read or later write outside the workspace (rule 4).
 */
function linkEntry(p: string, link: string, cachePrefix: string | null): WalkEntry | null {
  const linkOid = cachePrefix ? cacheLinkOid(link, cachePrefix) : null;
  if (linkOid) {
    const st = fs.statSync(link, { throwIfNoEntry: false });
    const lst = fs.lstatSync(link, { throwIfNoEntry: false });
    if (st && lst) return { path: p, size: st.size, mtimeMs: lst.mtimeMs, ino: lst.ino, exec: false, linkOid, execUnknown: true };
  }
  return null;
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
    return `${e.code === 'EBADNAME' ? JSON.stringify(p) : p}: ${e.why}`;
  };
  const of = pointerFile ? ` (${paths.show(pointerFile)})` : '';
  const message =
    refused.length === 1
      ? `${shown(refused[0])}${of}`
      : `${paths.show(target)}${of}: ${refused.length} entries dvd cannot store:\n${refused.slice(0, 20).map((e) => `  ${shown(e)}`).join('\n')}${refused.length > 20 ? `\n  ... and ${refused.length - 20} more` : ''}`;
  return new DvdError(refused[0].code, message, { hint: refusedHint(refused), data: { refused } });
}

function cachePrefixOf(cacheDir: string): string {
  return path.join(cacheDir, 'sha256') + path.sep;
}

/** True when `link` is a symlink to a cache object: a target checked out with cache type symlink. */
export function isCacheLink(link: string, cacheDir: string): boolean {
  return cacheLinkOid(link, cachePrefixOf(cacheDir)) !== null;
}

/** The oid of a symlink that points at a cache object (cache type symlink), else null. */
function cacheLinkOid(link: string, cachePrefix: string): string | null {
  const target = fs.readlinkSync(link);
  if (!target.startsWith(cachePrefix)) return null;
  const m = /^([0-9a-f]{2})[\\/]([0-9a-f]{62})$/.exec(target.slice(cachePrefix.length));
  return m ? m[1] + m[2] : null;
}
