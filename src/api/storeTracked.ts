import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from '../core/errors.js';
import { readPointerFile } from '../core/findPointers.js';
import { loadManifestSync } from '../core/loadManifest.js';
import type { ManifestEntry } from '../core/manifest.js';
import { hasObject } from '../core/objects.js';
import { POINTER_EXT, type Pointer } from '../core/pointer.js';
import { storeTarget } from '../core/storeTarget.js';
import type { Linker } from '../core/Linker.js';
import type { Repo } from '../core/repo.js';
import type { ApiContext } from './context.js';
import { writePointer } from '../core/writePointer.js';
import { UserPaths } from '../core/userPaths.js';
import type { TargetWalk } from '../core/walkTarget.js';
import { noteSkippedMetadata } from './noteSkippedMetadata.js';

export interface StoreTrackedResult {
  pointerFile: string;
  pointer: Pointer;
  /** The pointer file's content changed. */
  changed: boolean;
  storedFiles: number;
}

/** Snapshot a target into the cache and (re)write its pointer: the shared core of add and commit. */
export async function storeTracked(
  ctx: ApiContext,
  opts: { repo: Repo; target: string; abs: string; linker: Linker; jobs: number; pointerFile?: string; walk?: TargetWalk },
): Promise<StoreTrackedResult> {
  const { repo, target } = opts;
  const pointerFile = opts.pointerFile ?? `${target}${POINTER_EXT}`;
  const previous = previousEntries(repo, pointerFile);
  const progress = ctx.progress(`add ${target}`);
  try {
    const stored = await storeTarget({
      ...opts,
      previous,
      paths: new UserPaths(repo.root, ctx.cwd),
      pointerFile: opts.pointerFile,
      onProgress: (items, bytes, totalItems, totalBytes) => progress.update({ items, bytes, totalItems, totalBytes }),
    });
    noteSkippedMetadata(ctx, repo, target, stored.skipped);
    const pointer = keepImportSource(ctx, repo, pointerFile, stored.pointer);
    const changed = writePointer(repo.root, pointerFile, pointer);
    return { pointerFile, pointer, changed, storedFiles: stored.storedFiles };
  } finally {
    progress.finish();
  }
}

/**
 * The pointer `pointerFile` holds now, or undefined when there is none or it is damaged
 * (re-adding replaces it, and what it recorded is lost).
 */
function currentPointer(repo: Repo, pointerFile: string): Pointer | undefined {
  if (!fs.existsSync(path.join(repo.root, pointerFile))) return undefined;
  try {
    return readPointerFile(repo.root, pointerFile).pointer;
  } catch (err) {
    // Gone meanwhile, or damaged.
    if (isErrno(err, 'ENOENT') || (err instanceof DvdError && (err.code === 'EBADPOINTER' || err.code === 'ENOTPOINTER'))) return undefined;
    throw err;
  }
}

/**
 * The entries `pointerFile` records now, by path: their executable bits, and the files a
 * .dvdignore rule must not hide (walkTarget.ts). Undefined when there is no usable pointer
 * or its manifest is not in the cache.
 */
export function previousEntries(repo: Repo, pointerFile: string): Map<string, ManifestEntry> | undefined {
  const p = currentPointer(repo, pointerFile);
  if (!p || (p.type === 'dir' && !hasObject(repo, p.oid))) return undefined;
  return new Map(loadManifestSync(repo, p, pointerFile).map((e) => [e.path, e]));
}

/**
 * An imported target committed unchanged keeps its `source:` (so `dvd update` still
 * applies); once its data differs from what was imported it becomes ordinary tracked
 * data, with a warning, since the source no longer describes it.
 */
function keepImportSource(ctx: ApiContext, repo: Repo, pointerFile: string, fresh: Pointer): Pointer {
  const old = currentPointer(repo, pointerFile);
  if (!old?.source) return fresh;
  if (old.oid === fresh.oid) return { ...fresh, source: old.source };
  const from = old.source.kind === 'git' ? `${old.source.repo}:${old.source.path}` : old.source.url;
  ctx.log.warn(`${new UserPaths(repo.root, ctx.cwd).show(pointerFile)}: the data changed since it was imported from ${from}; it is ordinary tracked data now (\`dvd update\` no longer applies)`);
  return fresh;
}
