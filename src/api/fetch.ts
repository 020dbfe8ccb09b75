import fs from 'node:fs';
import { withLock } from '../core/lock.js';
import { DvdError } from '../core/errors.js';
import { objectKey, objectPath } from '../core/objectPath.js';
import { hasObject, installTempObject, tempPath } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import type { OpenedRemote } from '../remote/openRemote.js';
import type { Remote } from '../remote/Remote.js';
import { TransferQueue, type TransferFailure, type TransferItem } from '../remote/TransferQueue.js';
import { corruptDataError } from '../remote/TransferError.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { openRepo, type ApiContext } from './context.js';
import { objectsOfPointers, type PointerSource } from './objectsOfPointers.js';
import { wantRunCache, type TransferOptions } from './push.js';
import { fetchRuns } from './transferRuns.js';
import { pointersForTransfer } from './pointersForTransfer.js';
import { fetchImported, isGitImport } from './fetchImported.js';

export interface FetchResult {
  remote: string;
  url: string;
  downloaded: number;
  bytes: number;
  /** Objects that were already in the cache. */
  alreadyCached: number;
  failed: TransferFailure[];
  /** Pointer files whose objects are now all in the cache. */
  complete: string[];
  /** Pointer files still missing something (see failed). */
  incomplete: string[];
  /** Run-cache entries downloaded (`runs/`; their outputs come when repro restores them). */
  runs: number;
  /** Pointers left out because they cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/**
 * Download one object into the cache: streamed to a temp file while hashed, renamed
 * into place only if the SHA-256 is the oid (DESIGN rule 1). A mismatch leaves
 * nothing behind; the remote retries it (a flipped bit in transit), then it is reported.
 */
export function downloadInto(repo: Repo, remote: Remote) {
  return async (item: TransferItem, onBytes: (n: number) => void): Promise<void> => {
    const tmp = tempPath(repo);
    try {
      const got = await remote.get(objectKey(item.oid), tmp, { size: item.size > 0 ? item.size : undefined, sha256: item.oid, onBytes });
      if (got.sha256 !== item.oid) throw corruptDataError(remote, item.oid, got);
      await installTempObject(repo, tmp, item.oid);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  };
}

/**
 * Bring the objects of the given pointers into the cache: directory manifests first
 * (they say which files a directory needs), then every file the cache lacks. Without
 * `-r` and with no usable default remote, what is in the cache already (and imported
 * data, which comes from its source) is still complete; the rest fails, naming why, so
 * pull checks out what it can.
 */
export async function fetch(ctx: ApiContext, o: TransferOptions = {}): Promise<FetchResult> {
  const { repo, config } = openRepo(ctx);
  const found: { pointers: PointerSource[]; problems: PointerProblem[] } = o.pointers
    ? { pointers: o.pointers, problems: [] }
    : await pointersForTransfer(repo.root, ctx.cwd, o, ctx.log);
  const problems = found.problems;
  const paths = new UserPaths(repo.root, ctx.cwd);
  // Imported data comes from its source repository, not from this repository's remote.
  const pointers = found.pointers.filter((p) => !isGitImport(p));
  const imports = found.pointers.filter(isGitImport);
  // The run cache comes along on whole-repository fetches (wantRunCache) when there is a
  // remote to take it from; without one it is left out (README: no default remote).
  const runCache = wantRunCache(repo.root, o);
  let opened: OpenedRemote | null = null;
  let noRemote: DvdError | null = null;
  if (pointers.length || runCache) {
    try {
      opened = openCheckedRemote(repo.root, config, o.remote, { jobs: o.jobs, warn: (m) => ctx.log.warn(m) });
    } catch (err) {
      // A remote named with -r must work; the default is needed only for what is missing.
      // (ENOREMOTE: no core.remote, or one that names nothing.)
      if (o.remote !== undefined || !(err instanceof DvdError) || err.code !== 'ENOREMOTE') throw err;
      noRemote = err;
    }
  }
  try {
    return await withLock(repo, 'fetch', async () => {
      const before = await cachedObjects(repo, found.pointers, paths);
      const result: FetchResult = {
        remote: opened?.remote.name ?? (imports.length ? '(import sources)' : '(no remote)'),
        url: opened?.remote.url ?? '',
        downloaded: 0,
        bytes: 0,
        alreadyCached: before.size,
        failed: [],
        complete: [],
        incomplete: [],
        runs: 0,
        problems,
      };
      if (imports.length) {
        const imported = await fetchImported(ctx, repo, imports, o);
        result.failed.push(...imported.failed);
        result.complete.push(...imported.complete);
        result.incomplete.push(...imported.incomplete);
      }
      if (pointers.length) await fetchFromRemote(ctx, repo, pointers, opened, noRemote, result, paths);
      // Counted from the cache itself, so every object is counted once however many
      // pointers and revisions need it, manifests and their bytes included.
      const after = await cachedObjects(repo, found.pointers, paths);
      for (const [oid, size] of after) {
        if (before.has(oid)) continue;
        result.downloaded++;
        result.bytes += size;
      }
      if (runCache && opened) {
        const r3 = await fetchRuns(repo, opened.remote, opened.jobs);
        result.runs = r3.downloaded;
        result.failed.push(...r3.failed);
      }
      return result;
    });
  } finally {
    opened?.remote.close();
  }
}

/** The remote part of fetch: manifests, then files; pointers sorted into complete and incomplete. */
async function fetchFromRemote(
  ctx: ApiContext,
  repo: Repo,
  pointers: PointerSource[],
  opened: OpenedRemote | null,
  noRemote: DvdError | null,
  result: FetchResult,
  paths: UserPaths,
): Promise<void> {
  const failed: TransferFailure[] = [];
  const noRemoteFailure = (item: TransferItem): TransferFailure => ({
    item,
    error: new DvdError(noRemote!.code, `not in the cache, and ${noRemote!.message}`, { hint: noRemote!.hint }),
  });
  const run = async (items: TransferItem[], progress?: string): Promise<TransferItem[]> => {
    if (items.length === 0) return [];
    if (!opened) {
      failed.push(...items.map(noRemoteFailure));
      return [];
    }
    const q = new TransferQueue({ jobs: opened.jobs, transfer: downloadInto(repo, opened.remote), progress: progress ? ctx.progress(progress) : undefined });
    for (const it of items) q.add(it);
    const r = await q.run();
    failed.push(...r.failed);
    return r.done;
  };
  const first = await objectsOfPointers(repo, pointers, paths);
  const gotManifests = await run(first.dirs.filter((d) => d.files === null).map((d) => d.manifest));
  const needs = gotManifests.length ? await objectsOfPointers(repo, pointers, paths) : first;
  const wanted = new Map<string, TransferItem>();
  for (const n of [...needs.files, ...needs.dirs.flatMap((d) => d.files ?? [])]) if (!wanted.has(n.oid) && !hasObject(repo, n.oid)) wanted.set(n.oid, n);
  await run([...wanted.values()], 'fetching');
  result.failed.push(...failed);

  const failedOids = new Set(failed.map((f) => f.item.oid));
  const fileOk = needs.files.map((n) => [n.neededBy, !failedOids.has(n.oid) && hasObject(repo, n.oid)] as const);
  const dirOk = needs.dirs.map((d) => [d.manifest.neededBy, d.files !== null && d.files.every((n) => !failedOids.has(n.oid))] as const);
  for (const [pointerFile, ok] of [...fileOk, ...dirOk]) (ok ? result.complete : result.incomplete).push(pointerFile);
}

/**
 * The objects `pointers` need that are in the cache now, with their sizes: file
 * objects, manifests, and the files of every manifest in the cache.
 */
async function cachedObjects(repo: Repo, pointers: PointerSource[], paths: UserPaths): Promise<Map<string, number>> {
  const needs = await objectsOfPointers(repo, pointers, paths);
  const out = new Map<string, number>();
  for (const n of [...needs.files, ...needs.dirs.flatMap((d) => [d.manifest, ...(d.files ?? [])])]) {
    if (out.has(n.oid)) continue;
    const st = fs.statSync(objectPath(repo.cacheDir, n.oid), { throwIfNoEntry: false });
    if (st) out.set(n.oid, st.size);
  }
  return out;
}
