import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { explainFsError, shownPath } from './fsError.js';
import { workspaceMode } from './fileMode.js';
import { forEachParallel } from './forEachParallel.js';
import { runFileJobs } from './filePool.js';
import type { FileJob } from './fileJobs.js';
import { objectPath } from './objectPath.js';
import { clearDest } from './placeFile.js';
import { sharesCache } from './linkTypes.js';
import type { CacheDirs } from './objects.js';
import type { Linker } from './Linker.js';
import type { ManifestEntry } from './manifest.js';
import type { StatCache } from './statCache.js';

export interface ApplyCheckoutOptions {
  /** Repository root; no component between it and a written file may be a symlink. */
  root: string;
  /** Repo-relative POSIX target path. */
  target: string;
  /** The version is a folder: it must exist afterwards even when it holds no files. */
  isDir: boolean;
  write: ManifestEntry[];
  chmod: ManifestEntry[];
  remove: string[];
  linker: Linker;
  /** The cache, for the object paths handed to worker threads. */
  cache: CacheDirs;
  state: StatCache;
  jobs: number;
  onProgress?: (files: number, bytes: number) => void;
}

/**
 * Carry out a checkout plan: removals first (so a file can become a folder and back),
 * then writes through the Linker (temp + rename, never through a symlink), recording
 * each written file in the stat cache so the next status does not hash it. Returns true
 * when it had to create the target folder itself (an empty version, see README).
 */
export async function applyCheckout(o: ApplyCheckoutOptions): Promise<boolean> {
  const abs = path.join(o.root, o.target);
  const fileOf = (p: string) => (p === '' ? abs : `${abs}/${p}`);
  for (const p of o.remove) {
    try {
      fs.unlinkSync(fileOf(p));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw explainFsError(err, 'checkout', shownPath(fileOf(p)));
    }
    o.state.forget(p);
  }
  pruneEmptyDirs(abs, o.remove);
  const safeDirs = new Set<string>();
  const ensureDir = (rel: string) => {
    // rel: repo-relative folder that must exist as a real folder (not a symlink).
    if (rel === '' || safeDirs.has(rel)) return;
    ensureDir(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    const full = path.join(o.root, rel);
    const st = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!st) mkdirExplained(full);
    else if (st.isSymbolicLink()) throw new DvdError('ESYMLINK', `${rel}: is a symbolic link; dvd will not write through it`, { hint: 'remove the link and run the command again' });
    else if (!st.isDirectory()) throw new DvdError('ENOTDIR', `${rel}: is a file where the checked-out version has a folder`, { hint: 'move it away, or use --force' });
    safeDirs.add(rel);
  };
  let files = 0;
  let bytes = 0;
  // Folders are made up front, in order, so parallel writers never race on mkdir.
  const parents = new Set<string>();
  for (const e of o.write) {
    const rel = e.path === '' ? o.target : `${o.target}/${e.path}`;
    const d = path.posix.dirname(rel);
    parents.add(d === '.' ? '' : d);
  }
  // Manifests list files only, so an empty version's folder is made here.
  const madeTarget = o.isDir && !fs.existsSync(abs);
  if (o.isDir) parents.add(o.target);
  for (const d of [...parents].sort()) ensureDir(d);
  const placed = (e: ManifestEntry, now: { ino: number; mtimeMs: number }) => {
    // A copy has the version's executable bit (workspaceMode); a link has the object's.
    const exec = sharesCache(o.linker.current) ? undefined : e.exec;
    o.state.record(e.path, { ino: now.ino, size: e.size, mtimeMs: now.mtimeMs, exec }, e.oid);
    files++;
    bytes += e.size;
    o.onProgress?.(files, bytes);
  };
  const viaLinker = async (e: ManifestEntry) => {
    const dest = fileOf(e.path);
    try {
      const absent = clearDest(dest);
      await o.linker.link(e.oid, dest, e.exec, { size: e.size, absent });
      placed(e, fs.lstatSync(dest));
    } catch (err) {
      throw explainFsError(err, 'checkout', shownPath(dest));
    }
  };
  // The first file settles the link type. Copies then go to worker threads when there
  // are many (filePool.ts); links are one cheap syscall each and stay here.
  if (o.write.length) {
    await viaLinker(o.write[0]);
    const rest = o.write.slice(1);
    if (o.linker.current === 'copy') {
      const jobs: FileJob[] = rest.map((e) => ({ op: 'place', src: objectPath(o.cache.cacheDir, e.oid), dest: fileOf(e.path), exec: e.exec, size: e.size }));
      await runFileJobs(o.cache, jobs, (k, r) => placed(rest[k], r.placed!));
    } else {
      await forEachParallel(rest, o.jobs, viaLinker);
    }
  }
  for (const e of o.chmod) {
    try {
      fs.chmodSync(fileOf(e.path), workspaceMode(e.exec));
      // chmod leaves the mtime alone: the state must learn the new bit, or a whole-folder
      // match (statCache.ts matchesAll) would vouch for the old mode after a later chmod.
      const now = fs.lstatSync(fileOf(e.path));
      o.state.record(e.path, { ino: now.ino, size: e.size, mtimeMs: now.mtimeMs, exec: e.exec }, e.oid);
    } catch (err) {
      throw explainFsError(err, 'checkout', shownPath(fileOf(e.path)));
    }
  }
  return madeTarget;
}

function mkdirExplained(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    throw explainFsError(err, 'checkout', shownPath(dir));
  }
}

function pruneEmptyDirs(abs: string, removed: string[]): void {
  const dirs = new Set<string>();
  for (const p of removed) {
    let d = path.posix.dirname(p);
    while (d !== '.' && d !== '') {
      dirs.add(d);
      d = path.posix.dirname(d);
    }
  }
  // Deepest first, so a parent is tried after its children.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(`${abs}/${d}`);
    } catch (err) {
      if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'ENOENT') && !isErrno(err, 'EEXIST')) throw err;
    }
  }
}
