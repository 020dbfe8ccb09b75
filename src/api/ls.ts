import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { loadManifest } from '../core/loadManifest.js';
import { POINTER_EXT } from '../core/pointer.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import { typedRepoPath } from '../core/relPath.js';
import { shellQuote, UserPaths } from '../core/userPaths.js';
import { openRepo, type ApiContext } from './context.js';
import { ensureManifests } from './ensureManifests.js';
import { pointersAtRev, resolveRevision } from './pointersAtRev.js';
import { gitTrackedLookup } from './gitFiles.js';

export interface LsOptions {
  /** Path as typed, relative to ctx.cwd; default: the current folder. */
  path?: string;
  /** Revision to list; default: the workspace's pointers. */
  rev?: string;
  recursive?: boolean;
  remote?: string;
}

export interface LsEntry {
  /** Relative to the listed path (the name itself when listing one file). */
  path: string;
  type: 'file' | 'dir';
  size: number;
  /** Files only. */
  oid?: string;
  /** Directories only: files below. */
  files?: number;
  /** Set on entries that are themselves a tracked target (a pointer file names them). */
  tracked?: boolean;
}

export interface LsResult {
  /** Repo-relative path that was listed ('' for the root). */
  path: string;
  rev: string | null;
  commit: string | null;
  entries: LsEntry[];
  /** Pointers at or below the path that cannot be used (their data is not listed); the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

const under = (p: string, dir: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);
const relTo = (p: string, dir: string) => (dir === '' ? p : p === dir ? '' : p.slice(dir.length + 1));

/**
 * What tracked data holds at a path, in the workspace's pointers or at a revision
 * (read from Git objects, nothing checked out): tracked targets, folders leading to
 * them, and inside tracked directories the files their manifests list. `recursive`
 * lists every file below the path instead of its direct children.
 */
export async function ls(ctx: ApiContext, o: LsOptions = {}): Promise<LsResult> {
  const open = openRepo(ctx);
  const { repo } = open;
  const rel = typedRepoPath(repo.root, ctx.cwd, o.path ?? '.');
  const rev = o.rev === undefined ? null : await resolveRevision(repo.root, o.rev);
  const scan = rev ? await pointersAtRev(repo.root, rev) : findPointers(repo.root, ctx.cwd, [], { gitTracked: gitTrackedLookup(repo.root) });
  const refs: PointerRef[] = scan.refs;
  // A pointer that cannot be read names no target; judge it by its file's place.
  const problems = scan.problems
    .filter((p) => under(p.pointerFile.slice(0, -POINTER_EXT.length), rel) || under(rel, p.pointerFile.slice(0, -POINTER_EXT.length)))
    .map((p) => (rev ? { ...p, pointerFile: `${rev.label}:${p.pointerFile}` } : p));

  // Files (repo-relative) that the listing needs, and direct-child summaries of targets
  // that need no manifest (a whole tracked directory below the listed folder).
  const relevant = refs.filter((r) => under(r.target, rel) || under(rel, r.target));
  const expand = relevant.filter((r) => r.pointer.type === 'dir' && (o.recursive || under(rel, r.target)));
  await ensureManifests(ctx, open, expand, o.remote);

  const files: LsEntry[] = [];
  const dirs = new Map<string, LsEntry>();
  const addDir = (name: string, size: number, count: number, tracked: boolean) => {
    const d = dirs.get(name) ?? { path: name, type: 'dir' as const, size: 0, files: 0 };
    d.size += size;
    d.files! += count;
    if (tracked) d.tracked = true;
    dirs.set(name, d);
  };
  const addFile = (p: string, oid: string, size: number, tracked: boolean) => {
    // p is relative to the listed path; without -R only its first segment shows.
    const slash = p.indexOf('/');
    if (o.recursive || slash === -1) files.push({ path: p, type: 'file', size, oid, ...(tracked ? { tracked } : {}) });
    else addDir(p.slice(0, slash), size, 1, false);
  };
  let matched = false;
  for (const r of relevant) {
    if (r.pointer.type === 'file') {
      if (!under(r.target, rel)) continue;
      matched = true;
      addFile(r.target === rel ? path.posix.basename(r.target) : relTo(r.target, rel), r.pointer.oid, r.pointer.size, true);
      continue;
    }
    if (under(r.target, rel) && r.target !== rel && !o.recursive) {
      // A tracked directory below: summarised from its pointer, no manifest needed.
      matched = true;
      const sub = relTo(r.target, rel);
      const slash = sub.indexOf('/');
      if (slash === -1) addDir(sub, r.pointer.size, r.pointer.files ?? 0, true);
      else addDir(sub.slice(0, slash), r.pointer.size, r.pointer.files ?? 0, false);
      continue;
    }
    const inner = under(rel, r.target) ? relTo(rel, r.target) : '';
    const base = under(r.target, rel) ? relTo(r.target, rel) : '';
    for (const e of (await forTarget(r.pointerFile, problems, () => loadManifest(repo, r.pointer, r.pointerFile))) ?? []) {
      if (!under(e.path, inner)) continue;
      matched = true;
      if (e.path === inner) {
        addFile(path.posix.basename(e.path), e.oid, e.size, false);
        continue;
      }
      const p = relTo(e.path, inner);
      addFile(base === '' ? p : `${base}/${p}`, e.oid, e.size, false);
    }
    if (rel === r.target) matched = true;
  }
  if (!matched && rel !== '' && problems.length === 0) {
    throw new DvdError('ENOTTRACKED', `${o.path ?? rel}: no data tracked by dvd here${rev ? ` at ${rev.label}` : ''}`, {
      hint: rev
        ? `list what ${rev.label} tracks with \`dvd ls --rev ${shellQuote(rev.label)}\``
        : `list what is tracked with \`dvd ls ${new UserPaths(repo.root, ctx.cwd).arg('')}\``,
    });
  }
  const entries = [...dirs.values(), ...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { path: rel, rev: rev?.label ?? null, commit: rev?.oid ?? null, entries, problems };
}
