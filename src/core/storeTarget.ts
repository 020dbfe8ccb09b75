import fs from 'node:fs';
import { DvdError } from './errors.js';
import { forEachParallel } from './forEachParallel.js';
import { hasObject, storeBuffer, storeFileByCopy, storeFileByLink } from './objects.js';
import { serializeManifest, type ManifestEntry } from './manifest.js';
import { checkRelPath } from './relPath.js';
import { objectPath } from './objectPath.js';
import { sharesCache } from './linkTypes.js';
import { StatCache } from './statCache.js';
import { walkAt } from './walkTarget.js';
import type { Linker } from './Linker.js';
import type { Pointer } from './pointer.js';
import type { Repo } from './repo.js';

export interface StoreTargetOptions {
  repo: Repo;
  /** Repo-relative POSIX target path. */
  target: string;
  abs: string;
  linker: Linker;
  jobs: number;
  /** Executable bits of the previous version, for files whose mode is the cache's. */
  previous?: Map<string, ManifestEntry>;
  onProgress?: (files: number, bytes: number, totalFiles: number, totalBytes: number) => void;
}

export interface StoredTarget {
  pointer: Pointer;
  entries: ManifestEntry[];
  /** Files whose bytes were copied or linked into the cache (not already there). */
  storedFiles: number;
}

/**
 * Put every file of a target into the cache and describe it as a pointer. A file is
 * stored through a temp file and rename (objects.ts), and the user's file is touched
 * only afterwards, and only for hardlink/symlink cache types (DESIGN rule 2).
 */
export async function storeTarget(opts: StoreTargetOptions): Promise<StoredTarget> {
  const { repo, target, abs } = opts;
  const { kind, entries: walked } = walkAt(abs, repo.cacheDir);
  if (kind === 'missing') throw new DvdError('ENOENT', `${target}: no such file or directory`);
  const isDir = kind === 'dir';
  const state = StatCache.load(repo, target);
  if (isDir) for (const w of walked) checkRelPath(w.path, abs);
  const totalBytes = walked.reduce((n, w) => n + w.size, 0);
  const shared = sharesCache(opts.linker.current);
  const entries: ManifestEntry[] = new Array(walked.length);
  let doneFiles = 0;
  let doneBytes = 0;
  let storedFiles = 0;
  await forEachParallel(walked, opts.jobs, async (w, i) => {
    const file = w.path === '' ? abs : `${abs}/${w.path}`;
    let oid = w.linkOid ?? state.lookup(w.path, w);
    if (!oid || !hasObject(repo, oid)) {
      const r = shared ? await storeFileByLink(repo, file, oid) : await storeFileByCopy(repo, file);
      oid = r.oid;
      storedFiles++;
      // Record only if the file did not change while we copied it.
      const after = fs.lstatSync(file, { throwIfNoEntry: false });
      if (after && after.size === w.size && after.mtimeMs === w.mtimeMs && after.ino === w.ino) {
        state.record(w.path, w, oid);
      }
    }
    if (shared && !w.linkOid) {
      // The workspace file becomes a (read-only) link to the object it now is.
      const already = fs.statSync(file).ino === fs.statSync(objectPath(repo.cacheDir, oid)).ino;
      if (!already || opts.linker.current === 'symlink') {
        await opts.linker.link(oid, file, false);
      }
      const now = fs.lstatSync(file);
      state.record(w.path, { ino: now.ino, size: w.size, mtimeMs: now.mtimeMs }, oid);
    }
    const exec = w.execUnknown ? (opts.previous?.get(w.path)?.exec ?? false) : w.exec;
    entries[i] = { path: w.path, oid, size: w.size, exec };
    doneFiles++;
    doneBytes += w.size;
    opts.onProgress?.(doneFiles, doneBytes, walked.length, totalBytes);
  });
  state.retain(new Set(walked.map((w) => w.path)));
  state.save(target);
  const name = target.slice(target.lastIndexOf('/') + 1);
  if (!isDir) {
    return { pointer: { path: name, type: 'file', oid: entries[0].oid, size: entries[0].size }, entries, storedFiles };
  }
  const manifestOid = await storeBuffer(repo, serializeManifest(entries));
  return { pointer: { path: name, type: 'dir', oid: manifestOid, size: totalBytes, files: entries.length }, entries, storedFiles };
}
