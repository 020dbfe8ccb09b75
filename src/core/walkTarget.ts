import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';

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

// The workspace walk: synchronous readdir + lstat. On this machine a sync lstat costs
// ~1.5 us while an fs.promises.lstat round trip through libuv's pool costs ~15 us, so
// for 20,000 - 1,000,000 entries the sync walk is several times faster.
export function walkTarget(dir: string, cacheDir?: string): WalkEntry[] {
  const cachePrefix = cacheDir ? path.join(cacheDir, 'sha256') + path.sep : null;
  const out: WalkEntry[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const abs = rel === '' ? dir : path.join(dir, rel);
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT') && rel !== '') continue; // removed while we walked
      throw err;
    }
    for (const d of names) {
      const r = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        stack.push(r);
      } else if (d.isFile()) {
        const st = fs.lstatSync(path.join(dir, r), { throwIfNoEntry: false });
        if (!st) continue;
        out.push({
          path: r, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, exec: (st.mode & 0o100) !== 0,
          execUnknown: st.nlink > 1 && (st.mode & 0o222) === 0 ? true : undefined,
        });
      } else if (d.isSymbolicLink()) {
        const linkOid = cachePrefix ? cacheLinkOid(path.join(dir, r), cachePrefix) : null;
        if (linkOid) {
          const st = fs.statSync(path.join(dir, r), { throwIfNoEntry: false });
          const lst = fs.lstatSync(path.join(dir, r), { throwIfNoEntry: false });
          if (st && lst) {
            out.push({ path: r, size: st.size, mtimeMs: lst.mtimeMs, ino: lst.ino, exec: false, linkOid, execUnknown: true });
            continue;
          }
        }
        // Decision (README): dvd refuses symlinks inside tracked data rather than store
        // them; following one could read or later write outside the workspace (rule 4).
        throw new DvdError('ESYMLINK', `${path.join(dir, r)}: symbolic links inside tracked data are not supported`, {
          hint: 'replace the link with the file it points to, or move it out of the tracked folder',
        });
      } else {
        throw new DvdError('ESPECIAL', `${path.join(dir, r)}: not a regular file or folder (fifo, socket or device)`);
      }
    }
  }
  return out;
}

/** The oid of a symlink that points at a cache object (cache type symlink), else null. */
function cacheLinkOid(link: string, cachePrefix: string): string | null {
  const target = fs.readlinkSync(link);
  if (!target.startsWith(cachePrefix)) return null;
  const m = /^([0-9a-f]{2})[\\/]([0-9a-f]{62})$/.exec(target.slice(cachePrefix.length));
  return m ? m[1] + m[2] : null;
}
