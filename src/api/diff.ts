import path from 'node:path';
import { defaultJobs } from '../core/defaultJobs.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { loadManifest } from '../core/loadManifest.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import type { ManifestEntry } from '../core/manifest.js';
import { hasObject } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import { scanTarget } from '../core/scanTarget.js';
import { UserPaths } from '../core/userPaths.js';
import { refusedError } from '../core/walkTarget.js';
import { openRepo, type ApiContext } from './context.js';
import { ensureManifests } from './ensureManifests.js';
import { pointersAtRevisions, resolveRevision, type Revision } from './pointersAtRev.js';
import { currentEntries } from './status.js';
import { gitTrackedLookup } from './gitFiles.js';

export interface DiffOptions {
  /** Old side; default HEAD. */
  a?: string;
  /** New side; default the workspace. */
  b?: string;
  /** Remote to fetch missing manifests from; default core.remote. */
  remote?: string;
  jobs?: number;
}

export interface DiffFile {
  path: string;
  oid: string;
  size: number;
}

export interface DiffModified {
  path: string;
  oldOid: string;
  newOid: string;
  oldSize: number;
  newSize: number;
}

export interface DiffRenamed {
  from: string;
  to: string;
  oid: string;
  size: number;
  /** `dir` when a whole tracked directory moved unchanged (one entry, not one per file). */
  type: 'file' | 'dir';
}

export interface DiffSide {
  rev: string;
  /** Commit oid; null for the workspace. */
  commit: string | null;
}

export interface DiffResult {
  a: DiffSide;
  b: DiffSide;
  added: DiffFile[];
  deleted: DiffFile[];
  modified: DiffModified[];
  renamed: DiffRenamed[];
  /**
   * Pointers that cannot be used on either side; their targets are left out of the
   * comparison (rather than shown as deleted). The CLI reports them and exits 1.
   */
  problems: PointerProblem[];
}

type Files = Map<string, ManifestEntry>;

const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The files a committed pointer stands for, repo-relative. */
async function committedFiles(repo: Repo, ref: PointerRef, out: Files): Promise<void> {
  for (const e of await loadManifest(repo, ref.pointer, ref.pointerFile)) {
    const p = e.path === '' ? ref.target : `${ref.target}/${e.path}`;
    out.set(p, { ...e, path: p });
  }
}

/** The files the workspace holds for a target now (hashing only what the stat cache does not know). */
async function workspaceFiles(ctx: ApiContext, repo: Repo, ref: PointerRef, jobs: number, out: Files): Promise<void> {
  const progress = ctx.progress(`diff ${ref.target}`);
  const scan = await scanTarget({
    repo,
    target: ref.target,
    abs: path.join(repo.root, ...ref.target.split('/')),
    jobs,
    onProgress: (items, bytes, totalItems) => progress.update({ items, bytes, totalItems }),
  });
  progress.finish();
  if (scan.hashedFiles > 0) scan.state.save(ref.target);
  if (scan.refused.length) throw refusedError(scan.refused, ref.target, new UserPaths(repo.root, ctx.cwd), ref.pointerFile);
  // The executable bit of files whose mode the workspace cannot tell comes from the pointer.
  const desired = ref.pointer.type === 'dir' && hasObject(repo, ref.pointer.oid) ? new Map((await loadManifest(repo, ref.pointer, ref.pointerFile)).map((e) => [e.path, e])) : undefined;
  for (const e of currentEntries(scan.files, desired)) {
    const p = e.path === '' ? ref.target : `${ref.target}/${e.path}`;
    out.set(p, { ...e, path: p });
  }
}

/**
 * What changed in tracked data between two revisions, or a revision and the workspace:
 * files added, deleted, modified and renamed, down to files inside directories (read
 * from manifests, fetched from the remote when not cached). Targets whose pointer is
 * identical on both sides are skipped without reading their manifests.
 */
export async function diff(ctx: ApiContext, o: DiffOptions = {}): Promise<DiffResult> {
  const open = openRepo(ctx);
  const { repo } = open;
  const jobs = o.jobs ?? defaultJobs();
  const revA = await resolveRevision(repo.root, o.a ?? 'HEAD');
  const revB: Revision | null = o.b === undefined ? null : await resolveRevision(repo.root, o.b);
  const atRevs = await pointersAtRevisions(repo.root, revB ? [revA, revB] : [revA]);
  const scanA = atRevs.get(revA.oid)!;
  const scanB = revB ? atRevs.get(revB.oid)! : findPointers(repo.root, ctx.cwd, [], { gitTracked: gitTrackedLookup(repo.root) });
  const problems: PointerProblem[] = [
    ...scanA.problems.map((p) => ({ ...p, pointerFile: `${revA.label}:${p.pointerFile}` })),
    ...scanB.problems.map((p) => (revB ? { ...p, pointerFile: `${revB.label}:${p.pointerFile}` } : p)),
  ];
  // A pointer left out on one side is left out on the other too: its files are not "deleted".
  const leftOut = new Set([...scanA.problems, ...scanB.problems].flatMap((p) => [p.pointerFile, ...(p.others ?? [])]));
  const sideA = scanA.refs.filter((r) => !leftOut.has(r.pointerFile));
  const sideB = scanB.refs.filter((r) => !leftOut.has(r.pointerFile));

  // Unchanged targets (same pointer both sides) need no manifest and no comparison.
  // The workspace side is always scanned: its data may differ from its pointer.
  const key = (r: PointerRef) => `${r.target}\0${r.pointer.type}\0${r.pointer.oid}`;
  const keysB = new Set(revB ? sideB.map(key) : []);
  const keysA = new Set(sideA.map(key));
  const onlyA = sideA.filter((r) => !keysB.has(key(r)));
  const onlyB = revB ? sideB.filter((r) => !keysA.has(key(r))) : sideB;

  // A tracked directory (or file) moved unchanged: one rename, not one per file.
  const renamed: DiffRenamed[] = [];
  const targetsB = new Set(sideB.map((r) => r.target));
  const targetsA = new Set(sideA.map((r) => r.target));
  const movedFrom = new Set<string>();
  const movedTo = new Set<string>();
  if (revB) {
    const goneA = new Map<string, PointerRef>();
    for (const r of onlyA) if (!targetsB.has(r.target)) goneA.set(`${r.pointer.type}\0${r.pointer.oid}`, r);
    for (const r of onlyB) {
      if (targetsA.has(r.target)) continue;
      const from = goneA.get(`${r.pointer.type}\0${r.pointer.oid}`);
      if (!from) continue;
      goneA.delete(`${r.pointer.type}\0${r.pointer.oid}`);
      movedFrom.add(from.target);
      movedTo.add(r.target);
      renamed.push({ from: from.target, to: r.target, oid: r.pointer.oid, size: r.pointer.size, type: r.pointer.type });
    }
  }
  const readA = onlyA.filter((r) => !movedFrom.has(r.target));
  const readB = onlyB.filter((r) => !movedTo.has(r.target));
  await ensureManifests(ctx, open, revB ? [...readA, ...readB] : readA, o.remote);

  const filesA: Files = new Map();
  const filesB: Files = new Map();
  // A target that fails on one side (a damaged manifest, a link in the workspace) is
  // compared on neither.
  const failed = new Set<string>();
  const read = async (r: PointerRef, side: (out: Files) => Promise<void>, into: Files) => {
    const mine: Files = new Map();
    const ok = await forTarget(r.pointerFile, problems, async () => {
      await side(mine);
      return true;
    });
    if (ok) for (const [p, e] of mine) into.set(p, e);
    else failed.add(r.target);
  };
  for (const r of readA) await read(r, (out) => committedFiles(repo, r, out), filesA);
  for (const r of readB) await read(r, (out) => (revB ? committedFiles(repo, r, out) : workspaceFiles(ctx, repo, r, jobs, out)), filesB);
  const gone = [...failed];
  for (const files of gone.length ? [filesA, filesB] : []) {
    for (const p of files.keys()) if (gone.some((t) => p === t || p.startsWith(`${t}/`))) files.delete(p);
  }

  const added: DiffFile[] = [];
  const deleted: DiffFile[] = [];
  const modified: DiffModified[] = [];
  for (const [p, b] of filesB) {
    const a = filesA.get(p);
    if (!a) added.push({ path: p, oid: b.oid, size: b.size });
    else if (a.oid !== b.oid || a.exec !== b.exec) modified.push({ path: p, oldOid: a.oid, newOid: b.oid, oldSize: a.size, newSize: b.size });
  }
  for (const [p, a] of filesA) if (!filesB.has(p)) deleted.push({ path: p, oid: a.oid, size: a.size });

  // Same bytes deleted in one place and added in another: a rename. Empty files all
  // share one oid, so they are never paired.
  const addedByOid = new Map<string, DiffFile[]>();
  for (const f of added.sort(byPath)) if (f.size > 0) addedByOid.set(f.oid, [...(addedByOid.get(f.oid) ?? []), f]);
  const pairedAdds = new Set<DiffFile>();
  const keptDeletes: DiffFile[] = [];
  for (const d of deleted.sort(byPath)) {
    const to = addedByOid.get(d.oid)?.shift();
    if (to) {
      pairedAdds.add(to);
      renamed.push({ from: d.path, to: to.path, oid: d.oid, size: d.size, type: 'file' });
    } else keptDeletes.push(d);
  }
  return {
    a: { rev: revA.label, commit: revA.oid },
    b: revB ? { rev: revB.label, commit: revB.oid } : { rev: 'workspace', commit: null },
    added: added.filter((f) => !pairedAdds.has(f)),
    deleted: keptDeletes,
    modified: modified.sort(byPath),
    renamed: renamed.sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0)),
    problems,
  };
}
