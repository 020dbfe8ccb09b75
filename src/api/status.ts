import path from 'node:path';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { hashBuffer } from '../core/hashFile.js';
import { loadManifest } from '../core/loadManifest.js';
import { forTarget, problemOf, type PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { refusedError } from '../core/walkTarget.js';
import { serializeManifest, type ManifestEntry } from '../core/manifest.js';
import { hasObject } from '../core/objects.js';
import { scanTarget, type ScannedFile } from '../core/scanTarget.js';
import type { Repo } from '../core/repo.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { openRepo, type ApiContext } from './context.js';

export interface StatusOptions {
  targets?: string[];
  jobs?: number;
}

export interface TargetStatus {
  pointerFile: string;
  target: string;
  type: 'file' | 'dir';
  /**
   * unchanged: the workspace matches the pointer; modified: it differs; missing: the
   * target is not in the workspace (dvd checkout restores it).
   */
  state: 'unchanged' | 'modified' | 'missing';
  added: string[];
  modified: string[];
  deleted: string[];
  /** The pointer's data (manifest or file object) is not in the local cache. */
  notInCache: boolean;
}

export interface StatusResult {
  targets: TargetStatus[];
  /** Pointers (or targets) that could not be compared; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

export async function status(ctx: ApiContext, opts: StatusOptions = {}): Promise<StatusResult> {
  const { repo } = openRepo(ctx);
  const { refs, problems } = findPointers(repo.root, ctx.cwd, opts.targets ?? []);
  const out: TargetStatus[] = [];
  for (const ref of refs) {
    const s = await forTarget(ref.pointerFile, problems, () => targetStatus(ctx, repo, ref, opts.jobs ?? defaultJobs(), problems));
    if (s) out.push(s);
  }
  return { targets: out, problems };
}

/** Current manifest entries of a scanned target, taking modes unknown to the workspace from `desired`. */
export function currentEntries(files: ScannedFile[], desired?: Map<string, ManifestEntry>): ManifestEntry[] {
  return files.map((f) => ({
    path: f.path,
    oid: f.oid,
    size: f.size,
    exec: f.execUnknown ? (desired?.get(f.path)?.exec ?? false) : f.exec,
  }));
}

/**
 * How one target differs from its pointer. What dvd cannot store inside it (a link, a
 * fifo, an untrackable name) is pushed to `problems` and the rest is compared.
 */
export async function targetStatus(ctx: ApiContext, repo: Repo, ref: PointerRef, jobs: number, problems: PointerProblem[]): Promise<TargetStatus> {
  const { pointer } = ref;
  const progress = ctx.progress(`status ${ref.target}`);
  const scan = await scanTarget({
    repo,
    target: ref.target,
    abs: path.join(repo.root, ref.target),
    jobs,
    onProgress: (items, bytes, totalItems) => progress.update({ items, bytes, totalItems }),
  });
  progress.finish();
  // Status is read-only for data, but remembering what it hashed is what makes the next
  // run fast (git refreshes its index the same way).
  if (scan.hashedFiles > 0) scan.state.save(ref.target);
  if (scan.refused.length) problems.push(problemOf(ref.pointerFile, refusedError(scan.refused, ref.target, new UserPaths(repo.root, ctx.cwd), ref.pointerFile)));
  const res: TargetStatus = {
    pointerFile: ref.pointerFile,
    target: ref.target,
    type: pointer.type,
    state: 'unchanged',
    added: [],
    modified: [],
    deleted: [],
    notInCache: !hasObject(repo, pointer.oid),
  };
  if (scan.kind === 'missing') {
    res.state = 'missing';
    return res;
  }
  if (pointer.type === 'file') {
    const f = scan.files[0];
    // A file sharing the cache's inode (hardlink/symlink) has the object's mode: its bit says nothing.
    if (scan.kind !== 'file' || !f || f.oid !== pointer.oid || (!f.execUnknown && f.exec !== (pointer.exec === true))) {
      res.state = 'modified';
      res.modified.push(ref.target);
    }
    return res;
  }
  if (scan.kind !== 'dir') {
    res.state = 'modified';
    res.modified.push(ref.target);
    return res;
  }
  // Hashing the workspace's manifest answers "unchanged?" without reading the stored
  // one: on 20,000 files that skips ~80 ms of parsing and comparing. Files whose mode is
  // the cache's (hardlink/symlink) take their exec bit from the stored manifest, so
  // they need it.
  if (res.notInCache || !scan.files.some((f) => f.execUnknown)) {
    const oid = hashBuffer(serializeManifest(currentEntries(scan.files)));
    if (oid === pointer.oid) return res;
    res.state = 'modified';
    // Without the manifest only the verdict is known, not which files changed.
    if (res.notInCache) return res;
  }
  const desired = new Map((await loadManifest(repo, pointer, ref.pointerFile)).map((e) => [e.path, e]));
  const seen = new Set<string>();
  for (const cur of currentEntries(scan.files, desired)) {
    seen.add(cur.path);
    const want = desired.get(cur.path);
    const full = `${ref.target}/${cur.path}`;
    if (!want) res.added.push(full);
    else if (want.oid !== cur.oid || want.exec !== cur.exec) res.modified.push(full);
  }
  for (const p of desired.keys()) if (!seen.has(p)) res.deleted.push(`${ref.target}/${p}`);
  res.added.sort();
  res.modified.sort();
  res.deleted.sort();
  if (res.added.length || res.modified.length || res.deleted.length) res.state = 'modified';
  return res;
}
