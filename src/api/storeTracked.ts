import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { readPointerFile } from '../core/findPointers.js';
import { parseManifest, type ManifestEntry } from '../core/manifest.js';
import { hasObject, readObject } from '../core/objects.js';
import { POINTER_EXT, type Pointer } from '../core/pointer.js';
import { storeTarget } from '../core/storeTarget.js';
import type { Linker } from '../core/Linker.js';
import type { Repo } from '../core/repo.js';
import type { ApiContext } from './context.js';
import { writePointer } from '../core/writePointer.js';

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
  opts: { repo: Repo; target: string; abs: string; linker: Linker; jobs: number; pointerFile?: string },
): Promise<StoreTrackedResult> {
  const { repo, target } = opts;
  const pointerFile = opts.pointerFile ?? `${target}${POINTER_EXT}`;
  const previous = await previousEntries(repo, pointerFile);
  const progress = ctx.progress(`add ${target}`);
  try {
    const stored = await storeTarget({
      ...opts,
      previous,
      onProgress: (items, bytes, totalItems, totalBytes) => progress.update({ items, bytes, totalItems, totalBytes }),
    });
    const pointer = keepImportSource(ctx, repo, pointerFile, stored.pointer);
    const changed = writePointer(repo.root, pointerFile, pointer);
    return { pointerFile, pointer, changed, storedFiles: stored.storedFiles };
  } finally {
    progress.finish();
  }
}

async function previousEntries(repo: Repo, pointerFile: string): Promise<Map<string, ManifestEntry> | undefined> {
  if (!fs.existsSync(path.join(repo.root, pointerFile))) return undefined;
  let p: Pointer;
  try {
    p = readPointerFile(repo.root, pointerFile).pointer;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    // A damaged pointer is simply replaced by re-adding; its old modes are lost.
    return undefined;
  }
  if (p.type !== 'dir' || !hasObject(repo, p.oid)) return undefined;
  const entries = parseManifest((await readObject(repo, p.oid)).toString('utf8'), pointerFile);
  return new Map(entries.map((e) => [e.path, e]));
}

/**
 * An imported target committed unchanged keeps its `source:` (so `dvd update` still
 * applies); once its data differs from what was imported it becomes ordinary tracked
 * data, with a warning, since the source no longer describes it.
 */
function keepImportSource(ctx: ApiContext, repo: Repo, pointerFile: string, fresh: Pointer): Pointer {
  let old: Pointer;
  try {
    old = readPointerFile(repo.root, pointerFile).pointer;
  } catch {
    return fresh; // no pointer yet, or a damaged one being replaced
  }
  if (!old.source) return fresh;
  if (old.oid === fresh.oid) return { ...fresh, source: old.source };
  const from = old.source.kind === 'git' ? `${old.source.repo}:${old.source.path}` : old.source.url;
  ctx.log.warn(`${pointerFile}: the data changed since it was imported from ${from}; it is ordinary tracked data now (\`dvd update\` no longer applies)`);
  return fresh;
}
