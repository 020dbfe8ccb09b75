import path from 'node:path';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { hashBuffer } from '../core/hashFile.js';
import { loadManifestSync } from '../core/loadManifest.js';
import { forTarget, problemOf, type PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { serializeManifest, type ManifestEntry } from '../core/manifest.js';
import { hasObject } from '../core/objects.js';
import { scanTarget, type ScannedFile, type TargetScan } from '../core/scanTarget.js';
import { refusedError, withoutMetadata } from '../core/walkTarget.js';
import { inScope } from '../core/scope.js';
import { noteSkippedMetadata } from './noteSkippedMetadata.js';
import type { Repo } from '../core/repo.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { openRepo, type ApiContext } from './context.js';
import { gitTrackedLookup } from './gitFiles.js';

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
  /**
   * dvd's own links that do not lead into this repository's cache (it was moved or
   * copied with absolute links, or the object is gone): checkout re-creates them.
   */
  relink: string[];
  /**
   * What checkout would need to restore the target is not all in the local cache: the
   * file object or manifest, or the object of a file that is deleted or changed (a
   * partial `dvd fetch` of a folder leaves the rest out).
   */
  notInCache: boolean;
  /** Set when only these repo-relative paths inside the target were compared (a path inside a tracked folder). */
  scope?: string[];
}

export interface StatusResult {
  targets: TargetStatus[];
  /** Pointers (or targets) that could not be compared; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

export async function status(ctx: ApiContext, opts: StatusOptions = {}): Promise<StatusResult> {
  const { repo } = openRepo(ctx);
  const { refs, problems } = findPointers(repo.root, ctx.cwd, opts.targets ?? [], { gitTracked: gitTrackedLookup(repo.root) });
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
  // The stored manifest, read at most once: when a .dvdignore rule matches during the
  // walk (recorded files stay data) or to list which files changed.
  let recorded: ManifestEntry[] | null | undefined;
  const loadRecorded = (): ManifestEntry[] | null => {
    if (recorded === undefined) {
      recorded = pointer.type === 'dir' && hasObject(repo, pointer.oid) ? withoutMetadata(loadManifestSync(repo, pointer, ref.pointerFile)) : null;
      // A path inside the folder (scope.ts): what is recorded there; status says what
      // checkout of the same path would change, and a path not recorded is simply new.
      if (recorded && ref.scope) recorded = recorded.filter((e) => inScope(e.path, ref.scope!));
    }
    return recorded;
  };
  const scan = await scanTarget({
    repo,
    target: ref.target,
    abs: path.join(repo.root, ref.target),
    jobs,
    tracked: () => loadRecorded()?.map((e) => e.path) ?? null,
    scope: ref.scope,
    onProgress: (items, bytes, totalItems) => progress.update({ items, bytes, totalItems }),
    expectTree: pointer.oid,
  });
  progress.finish();
  noteSkippedMetadata(ctx, repo, ref.target, scan.skipped);
  // Status is read-only for data, but remembering what it hashed (and the folder's
  // manifest oid) is what makes the next run fast (git refreshes its index the same
  // way). Saved on every way out; a state with nothing new is not written.
  try {
    return compare(ctx, repo, ref, scan, problems, loadRecorded);
  } finally {
    scan.state.save(ref.target);
  }
}

/** targetStatus after the scan: the verdict and the lists. */
function compare(ctx: ApiContext, repo: Repo, ref: PointerRef, scan: TargetScan, problems: PointerProblem[], loadRecorded: () => ManifestEntry[] | null): TargetStatus {
  const { pointer } = ref;
  if (scan.refused.length) problems.push(problemOf(ref.pointerFile, refusedError(scan.refused, ref.target, new UserPaths(repo.root, ctx.cwd), ref.pointerFile)));
  const res: TargetStatus = {
    pointerFile: ref.pointerFile,
    target: ref.target,
    type: pointer.type,
    state: 'unchanged',
    added: [],
    modified: [],
    deleted: [],
    relink: [],
    notInCache: !hasObject(repo, pointer.oid),
    ...(ref.scope ? { scope: ref.scope.map((p) => `${ref.target}/${p}`) } : {}),
  };
  if (scan.kind === 'missing') {
    res.state = 'missing';
    if (!res.notInCache && pointer.type === 'dir') res.notInCache = loadRecorded()!.some((e) => !hasObject(repo, e.oid));
    return res;
  }
  for (const f of scan.files) if (f.relink) res.relink.push(f.path === '' ? ref.target : `${ref.target}/${f.path}`);
  // Checkout would change these links, so the workspace is not as checkout leaves it.
  if (res.relink.length) res.state = 'modified';
  res.relink.sort();
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
  // The stat cache may know that oid already (scan.treeOid), and learns it otherwise.
  if (!ref.scope && (res.notInCache || !scan.files.some((f) => f.execUnknown))) {
    let oid = scan.treeOid;
    if (oid === undefined) {
      oid = hashBuffer(serializeManifest(currentEntries(scan.files)));
      scan.state.setTree(oid, scan.files);
    }
    if (oid === pointer.oid) return res;
    res.state = 'modified';
    // Without the manifest only the verdict is known, not which files changed.
    if (res.notInCache) return res;
  }
  // (Scoped and not in the cache: which files differ is unknown, as for the whole target.)
  if (res.notInCache) return res;
  const desired = new Map(loadRecorded()!.map((e) => [e.path, e]));
  const seen = new Set<string>();
  for (const cur of currentEntries(scan.files, desired)) {
    seen.add(cur.path);
    const want = desired.get(cur.path);
    const full = `${ref.target}/${cur.path}`;
    if (!want) res.added.push(full);
    else if (want.oid !== cur.oid || want.exec !== cur.exec) res.modified.push(full);
  }
  for (const p of desired.keys()) if (!seen.has(p)) res.deleted.push(`${ref.target}/${p}`);
  // Checkout writes the recorded version of these: their objects must be here.
  const needed = [...res.modified, ...res.deleted].map((p) => desired.get(p.slice(ref.target.length + 1)));
  res.notInCache = needed.some((e) => e !== undefined && !hasObject(repo, e.oid));
  res.added.sort();
  res.modified.sort();
  res.deleted.sort();
  if (res.added.length || res.modified.length || res.deleted.length) res.state = 'modified';
  return res;
}
