import fs from 'node:fs';
import { withLock } from '../core/lock.js';
import { objectKey } from '../core/objectPath.js';
import { hasObject, installTempObject, tempPath } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import { openRemote } from '../remote/openRemote.js';
import type { Remote } from '../remote/Remote.js';
import { TransferQueue, type TransferFailure, type TransferItem } from '../remote/TransferQueue.js';
import { TransferError } from '../remote/TransferError.js';
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
 * nothing behind and is retried (a flipped bit in transit), then reported.
 */
export function downloadInto(repo: Repo, remote: Remote) {
  return async (item: TransferItem, onBytes: (n: number) => void): Promise<void> => {
    const tmp = tempPath(repo);
    try {
      const got = await remote.get(objectKey(item.oid), tmp, { size: item.size > 0 ? item.size : undefined, onBytes });
      if (got.sha256 !== item.oid) {
        throw new TransferError(
          'corrupt',
          'ECORRUPT',
          `remote ${remote.name} (${remote.url}) sent corrupt data: expected sha256:${item.oid}, got sha256:${got.sha256} after ${got.bytes} bytes written`,
          { hint: `run \`dvd verify --remote ${remote.name}\`; if the object on the remote is damaged, push it again from a clone that has it` },
        );
      }
      await installTempObject(repo, tmp, item.oid);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  };
}

/**
 * Bring the objects of the given pointers into the cache: directory manifests first
 * (they say which files a directory needs), then every file the cache lacks.
 */
export async function fetch(ctx: ApiContext, o: TransferOptions = {}): Promise<FetchResult> {
  const { repo, config } = openRepo(ctx);
  const found: { pointers: PointerSource[]; problems: PointerProblem[] } = o.pointers
    ? { pointers: o.pointers, problems: [] }
    : await pointersForTransfer(repo.root, ctx.cwd, o, ctx.log);
  const problems = found.problems;
  // Imported data comes from its source repository, not from this repository's remote.
  const pointers = found.pointers.filter((p) => !isGitImport(p));
  const imports = found.pointers.filter(isGitImport);
  const imported = imports.length ? await withLock(repo, 'fetch', () => fetchImported(ctx, repo, imports, o)) : null;
  if (imported && pointers.length === 0) return { remote: '(import sources)', url: '', bytes: 0, runs: 0, ...imported, problems };
  const { remote, jobs } = openRemote(repo.root, config, o.remote, { jobs: o.jobs });
  try {
    const fetched = await withLock(repo, 'fetch', async () => {
      const result: FetchResult = { remote: remote.name, url: remote.url, downloaded: 0, bytes: 0, alreadyCached: 0, failed: [], complete: [], incomplete: [], runs: 0, problems };
      const download = downloadInto(repo, remote);

      const paths = new UserPaths(repo.root, ctx.cwd);
      const first = await objectsOfPointers(repo, pointers, paths);
      const manifestQueue = new TransferQueue({ jobs, transfer: download });
      for (const d of first.dirs) if (d.files === null) manifestQueue.add(d.manifest);
      const r1 = await manifestQueue.run();
      result.downloaded += r1.done.length;
      result.failed.push(...r1.failed);

      const needs = r1.done.length ? await objectsOfPointers(repo, pointers, paths) : first;
      const files = new TransferQueue({ jobs, transfer: download, progress: ctx.progress('fetching') });
      const seen = new Set<string>();
      for (const n of [...needs.files, ...needs.dirs.flatMap((d) => d.files ?? [])]) {
        if (seen.has(n.oid)) continue;
        seen.add(n.oid);
        if (hasObject(repo, n.oid)) result.alreadyCached++;
        else files.add(n);
      }
      const r2 = await files.run();
      result.downloaded += r2.done.length;
      result.bytes += r2.bytes;
      result.failed.push(...r2.failed);

      const failedOids = new Set(result.failed.map((f) => f.item.oid));
      const fileOk = needs.files.map((n) => [n.neededBy, !failedOids.has(n.oid) && hasObject(repo, n.oid)] as const);
      const dirOk = needs.dirs.map((d) => [d.manifest.neededBy, d.files !== null && d.files.every((n) => !failedOids.has(n.oid))] as const);
      for (const [pointerFile, ok] of [...fileOk, ...dirOk]) (ok ? result.complete : result.incomplete).push(pointerFile);
      if (wantRunCache(repo.root, o)) {
        const r3 = await fetchRuns(repo, remote, jobs);
        result.runs = r3.downloaded;
        result.failed.push(...r3.failed);
      }
      return result;
    });
    if (imported) {
      fetched.downloaded += imported.downloaded;
      fetched.alreadyCached += imported.alreadyCached;
      fetched.failed.push(...imported.failed);
      fetched.complete.push(...imported.complete);
      fetched.incomplete.push(...imported.incomplete);
    }
    return fetched;
  } finally {
    remote.close();
  }
}
