import fs from 'node:fs';
import { DvdError } from './errors.js';
import { forEachParallel } from './forEachParallel.js';
import { hasObject, missingObject, storeBuffer, storeFileByLink, storeFileSync } from './objects.js';
import { runFileJobs } from './filePool.js';
import type { FileJob } from './fileJobs.js';
import { serializeManifest, type ManifestEntry } from './manifest.js';
import { checkRelPath } from './relPath.js';
import { objectPath } from './objectPath.js';
import { sharesCache } from './linkTypes.js';
import { StatCache } from './statCache.js';
import { refusedError, walkAt, type TargetWalk } from './walkTarget.js';
import { UserPaths } from './userPaths.js';
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
  /** The target's walk when the caller already made it (add walks every target before storing any). */
  walk?: TargetWalk;
  /** For messages: where the user is, and the pointer file when the target is tracked already. */
  paths?: UserPaths;
  pointerFile?: string;
  onProgress?: (files: number, bytes: number, totalFiles: number, totalBytes: number) => void;
}

export interface StoredTarget {
  pointer: Pointer;
  entries: ManifestEntry[];
  /** Files whose bytes were copied or linked into the cache (not already there). */
  storedFiles: number;
  /** Other tools' metadata folders the walk skipped (target-relative). */
  skipped: string[];
}

/**
 * Put every file of a target into the cache and describe it as a pointer. A file is
 * stored through a temp file and rename (objects.ts), and the user's file is touched
 * only afterwards, and only for hardlink/symlink cache types (DESIGN rule 2).
 */
export async function storeTarget(opts: StoreTargetOptions): Promise<StoredTarget> {
  const { repo, target, abs } = opts;
  const { kind, entries: walked, skipped, refused } = opts.walk ?? walkAt(abs, { cacheDir: repo.cacheDir, root: repo.root, target, tracked: () => opts.previous?.keys() ?? null });
  if (kind === 'missing') throw new DvdError('ENOENT', `${target}: no such file or directory`);
  const paths = opts.paths ?? new UserPaths(repo.root, repo.root);
  // Storing the rest would record a version without them: refuse the whole target.
  if (refused.length) throw refusedError(refused, target, paths, opts.pointerFile);
  const isDir = kind === 'dir';
  const state = StatCache.load(repo, target);
  if (isDir) for (const w of walked) checkRelPath(w.path, abs);
  const totalBytes = walked.reduce((n, w) => n + w.size, 0);
  const shared = sharesCache(opts.linker.current);
  const entries: ManifestEntry[] = new Array(walked.length);
  let doneFiles = 0;
  let doneBytes = 0;
  const done = (size: number) => {
    doneFiles++;
    doneBytes += size;
    opts.onProgress?.(doneFiles, doneBytes, walked.length, totalBytes);
  };
  const fileOf = (p: string) => (p === '' ? abs : `${abs}/${p}`);
  const oids: string[] = new Array(walked.length);
  // Files the stat cache vouches for (and whose object exists) need no reading at all.
  const pending: number[] = [];
  for (let i = 0; i < walked.length; i++) {
    const w = walked[i];
    const oid = w.linkOid ?? state.lookup(w.path, w);
    // dvd's link to an object this cache lacks, reaching nothing (a moved repository's
    // link into a vanished cache): its content is not here to store.
    if (w.relink && !hasObject(repo, w.linkOid!) && !fs.existsSync(fileOf(w.path))) throw missingObject(w.linkOid!, paths.show(w.path === '' ? target : `${target}/${w.path}`));
    if (oid && hasObject(repo, oid)) {
      oids[i] = oid;
      if (!shared) done(w.size);
    } else {
      pending.push(i);
    }
  }
  // The rest are hashed (and, for the copy types, stored) in bulk, on worker threads when
  // there are many (filePool.ts).
  const jobs: FileJob[] = pending.map((i) => ({ op: shared ? 'hash' : 'store', src: fileOf(walked[i].path), size: walked[i].size }));
  await runFileJobs(repo, jobs, (k, r) => {
    const i = pending[k];
    const w = walked[i];
    const oid = r.oid!;
    oids[i] = oid;
    // Record only if the file did not change while we copied it.
    const after = r.after;
    if (after && after.size === w.size && after.mtimeMs === w.mtimeMs && after.ino === w.ino) state.record(w.path, w, oid);
    if (!shared) done(w.size);
  });
  let storedFiles = shared ? 0 : pending.length;
  if (shared) {
    // Hardlink and symlink types: the workspace file itself becomes the (read-only)
    // object, or a link to it.
    const hashed = new Set(pending);
    await forEachParallel(walked, opts.jobs, async (w, i) => {
      const file = fileOf(w.path);
      let oid = oids[i];
      if (hashed.has(i)) {
        // A link is never hard-linked into the cache (link(2) would link the link itself).
        oid = (w.linkOid ? storeFileSync(repo, file) : await storeFileByLink(repo, file, oid)).oid;
        storedFiles++;
      }
      if (!w.linkOid || w.relink) {
        const already = !w.relink && fs.statSync(file).ino === fs.statSync(objectPath(repo.cacheDir, oid)).ino;
        if (!already || opts.linker.current === 'symlink') await opts.linker.link(oid, file, false);
        const now = fs.lstatSync(file);
        state.record(w.path, { ino: now.ino, size: w.size, mtimeMs: now.mtimeMs }, oid);
      }
      done(w.size);
    });
  }
  for (let i = 0; i < walked.length; i++) {
    const w = walked[i];
    const exec = w.execUnknown ? (opts.previous?.get(w.path)?.exec ?? false) : w.exec;
    entries[i] = { path: w.path, oid: oids[i], size: w.size, exec };
  }
  const name = target.slice(target.lastIndexOf('/') + 1);
  if (!isDir) {
    state.retain(new Set(walked.map((w) => w.path)));
    state.save(target);
    const pointer: Pointer = { path: name, type: 'file', oid: entries[0].oid, size: entries[0].size };
    if (entries[0].exec) pointer.exec = true;
    return { pointer, entries, storedFiles, skipped };
  }
  const manifestOid = await storeBuffer(repo, serializeManifest(entries));
  // The state learns the folder's manifest oid with its files (statCache.ts), so the
  // first status after an add or commit needs no manifest built and hashed either.
  if (shared || !state.setTree(manifestOid, walked)) state.retain(new Set(walked.map((w) => w.path)));
  state.save(target);
  return { pointer: { path: name, type: 'dir', oid: manifestOid, size: totalBytes, files: entries.length }, entries, storedFiles, skipped };
}
