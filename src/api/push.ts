import fs from 'node:fs';
import path from 'node:path';
import { DVD_YAML } from '../pipeline/parseDvdYaml.js';
import { objectKey, objectPath } from '../core/objectPath.js';
import { hasObject } from '../core/objects.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { presentOnRemote } from '../remote/presentOnRemote.js';
import { TransferQueue, type TransferFailure, type TransferItem } from '../remote/TransferQueue.js';
import { TransferError } from '../remote/TransferError.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { openRepo, type ApiContext } from './context.js';
import { pointersForTransfer } from './pointersForTransfer.js';
import { isGitImport } from './fetchImported.js';
import { objectsOfPointers, type NeededObject, type PointerSource } from './objectsOfPointers.js';
import { PathObserver } from '../pipeline/PathObserver.js';
import { localRuns, pushableRuns, pushRuns } from './transferRuns.js';

/**
 * Whether a transfer moves the run cache: as asked, else for whole-repository transfers
 * of a repository with a pipeline (dvd.yaml); others never list `runs/` on the remote.
 */
export function wantRunCache(root: string, o: TransferOptions): boolean {
  return o.runCache ?? (!o.pointers && !(o.targets && o.targets.length) && fs.existsSync(path.join(root, DVD_YAML)));
}

export interface RevisionOptions {
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  rev?: string[];
}

export interface TransferOptions extends RevisionOptions {
  /** Paths as typed, relative to ctx.cwd; all pointers in the workspace when empty. */
  targets?: string[];
  /** Targets are shell-style patterns (expandGlobs). */
  glob?: boolean;
  remote?: string;
  jobs?: number;
  /**
   * Pointers to transfer instead of walking the workspace for `targets`; the Git
   * history commands pass pointers read at revisions here.
   */
  pointers?: PointerSource[];
  /**
   * Move the run cache too (`runs/` entries, and on push the outputs they record).
   * Default: for whole-repository transfers (no targets, no pointers) of a repository with
   * a dvd.yaml (wantRunCache).
   */
  runCache?: boolean;
}

export interface PushResult {
  remote: string;
  url: string;
  uploaded: number;
  bytes: number;
  /** Distinct objects the remote already had (a directory whose manifest is there counts it and all its files). */
  alreadyPresent: number;
  failed: TransferFailure[];
  /** Run-cache entries uploaded (`runs/`). */
  runs: number;
  /** Pointers left out because they cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

const toItem = (n: NeededObject): TransferItem => ({ oid: n.oid, size: n.size, neededBy: n.neededBy });

/**
 * Upload what the remote lacks. Files go first and a directory's manifest only after
 * all of its files are there, so a manifest on the remote means the directory is
 * complete and later pushes can skip it with one request.
 */
export async function push(ctx: ApiContext, o: TransferOptions = {}): Promise<PushResult> {
  const { repo, config } = openRepo(ctx);
  // A path inside a tracked folder pushes the whole folder (README: checkout scope): the
  // manifest goes up only once all its files are there, and it is what a teammate's
  // pull of any part needs. Imported data stays with its source repository (`dvd pull`
  // fetches it from there).
  const found = o.pointers ? { pointers: o.pointers, problems: [] } : await pointersForTransfer(repo.root, ctx.cwd, o, ctx.log);
  const problems = found.problems;
  // The run cache goes up with whole-repository pushes: its entries, and the outputs they
  // record (so a teammate's repro can restore them), entries last.
  const runs = wantRunCache(repo.root, o) ? pushableRuns(repo, localRuns(repo), new PathObserver(repo, 1).manifest) : { runs: [], pointers: [] };
  const pointers = [...found.pointers.filter((p) => !isGitImport(p)).map(({ scope: _scope, scopeMayMiss: _miss, ...p }) => p), ...runs.pointers];
  const { remote, jobs } = openCheckedRemote(repo.root, config, o.remote, { jobs: o.jobs, warn: (m) => ctx.log.warn(m) });
  try {
    const result: PushResult = { remote: remote.name, url: remote.url, uploaded: 0, bytes: 0, alreadyPresent: 0, failed: [], runs: 0, problems };
    const needs = await objectsOfPointers(repo, pointers);
    const notLocal = (n: NeededObject): TransferFailure => ({
      item: toItem(n),
      error: new TransferError('missing', 'ENOOBJECT', 'not in the local cache, so it cannot be pushed', {
        hint: 'fetch it from another remote, or re-add the data with `dvd add`',
      }),
    });

    const manifests = needs.dirs.map((d) => d.manifest.oid);
    const { present: presentManifests } = await presentOnRemote(remote, manifests, jobs);
    const pendingDirs = needs.dirs.filter((d) => !presentManifests.has(d.manifest.oid));
    // Counted once each: the same object is needed by many revisions and folders.
    const already = new Set<string>();
    for (const d of needs.dirs) {
      if (!presentManifests.has(d.manifest.oid)) continue;
      already.add(d.manifest.oid);
      for (const n of d.files ?? []) already.add(n.oid);
    }

    const candidates = new Map<string, NeededObject>();
    for (const n of needs.files) candidates.set(n.oid, n);
    for (const d of pendingDirs) {
      if (d.files === null) result.failed.push(notLocal(d.manifest));
      else for (const n of d.files) if (!candidates.has(n.oid)) candidates.set(n.oid, n);
    }
    // Presence first: an object the remote already has is fine even when this clone
    // never fetched it (`push --all-commits` from a clone holding only some versions).
    const { present } = await presentOnRemote(remote, candidates.keys(), jobs);
    for (const oid of present) already.add(oid);
    const local: NeededObject[] = [];
    for (const n of candidates.values()) {
      if (present.has(n.oid)) continue;
      if (hasObject(repo, n.oid)) local.push(n);
      else result.failed.push(notLocal(n));
    }

    const upload = async (item: TransferItem, onBytes: (n: number) => void) => {
      const file = objectPath(repo.cacheDir, item.oid);
      const size = (await fs.promises.stat(file)).size;
      await remote.put(objectKey(item.oid), file, { size, sha256: item.oid, onBytes });
    };
    const files = new TransferQueue({ jobs, transfer: upload, progress: ctx.progress('pushing') });
    for (const n of local) files.add(toItem(n));
    const r1 = await files.run();
    result.uploaded += r1.done.length;
    result.bytes += r1.bytes;
    result.failed.push(...r1.failed);

    const failedOids = new Set(result.failed.map((f) => f.item.oid));
    const manifestQueue = new TransferQueue({ jobs, transfer: upload });
    for (const d of pendingDirs) {
      // A pointer has the folder's total, not its manifest's size: that is the cache file's.
      if (d.files !== null && d.files.every((n) => !failedOids.has(n.oid))) manifestQueue.add({ ...toItem(d.manifest), size: fs.statSync(objectPath(repo.cacheDir, d.manifest.oid)).size });
    }
    const r2 = await manifestQueue.run();
    result.uploaded += r2.done.length;
    result.bytes += r2.bytes;
    result.failed.push(...r2.failed);
    // (A listed file a damaged remote lacked after all was sent, not already there.)
    for (const item of r1.done) already.delete(item.oid);
    result.alreadyPresent = already.size;
    if (runs.runs.length && result.failed.length === 0) {
      const r3 = await pushRuns(repo, remote, runs.runs, jobs);
      result.runs = r3.uploaded;
      result.failed.push(...r3.failed);
    }
    return result;
  } finally {
    remote.close();
  }
}
