import fs from 'node:fs';
import path from 'node:path';
import { tempPath } from '../core/objects.js';
import type { Repo } from '../core/repo.js';
import type { LockEntry } from '../pipeline/lockFile.js';
import { pointerOfOut } from '../pipeline/pointerOfOut.js';
import { isRunName, listRuns, parseRun, RUNS_DIR, runKey, runsDir } from '../pipeline/runCache.js';
import type { ManifestEntry } from '../core/manifest.js';
import type { Remote } from '../remote/Remote.js';
import { TransferError } from '../remote/TransferError.js';
import { TransferQueue, type TransferFailure } from '../remote/TransferQueue.js';
import type { PointerSource } from './objectsOfPointers.js';
import { outInCache } from './restoreOutputs.js';

/** A run-cache entry in the local cache. */
export interface LocalRun {
  /** `<key>-<entry oid>`. */
  name: string;
  entry: LockEntry;
}

/** Every readable run entry in the local cache (damaged ones are skipped). */
export function localRuns(repo: Repo): LocalRun[] {
  const out: LocalRun[] = [];
  for (const name of listRuns(repo)) {
    const entry = parseRun(name, fs.readFileSync(path.join(runsDir(repo), name)));
    if (entry) out.push({ name, entry });
  }
  return out;
}

/**
 * The runs whose outputs are all in the local cache (only those can be pushed whole), and
 * their outputs as pointers for the transfer (labelled `run <key>` in messages).
 */
export function pushableRuns(repo: Repo, runs: LocalRun[], manifest: (oid: string) => ManifestEntry[] | null): { runs: LocalRun[]; pointers: PointerSource[] } {
  const ok = runs.filter((r) => r.entry.outs.every((o) => outInCache(repo, o, manifest)));
  const pointers = ok.flatMap((r) => r.entry.outs.map((o) => ({ pointerFile: `run ${r.name.slice(0, 12)}: ${o.path}`, pointer: pointerOfOut(o) })));
  return { runs: ok, pointers };
}

/** Names of the run entries on a remote (`runs/` beside `sha256/`); the listing is retried by the remote's RetryPolicy. */
export async function remoteRuns(remote: Remote): Promise<Set<string>> {
  const names = new Set<string>();
  for (const k of await remote.list(`${RUNS_DIR}/`)) {
    const name = k.slice(RUNS_DIR.length + 1);
    if (isRunName(name)) names.add(name);
  }
  return names;
}

/**
 * Upload the run entries the remote lacks. Call after their outputs are up: an entry on
 * a remote promises that its outputs are there, as a manifest promises its files.
 */
export async function pushRuns(repo: Repo, remote: Remote, runs: LocalRun[], jobs: number): Promise<{ uploaded: number; failed: TransferFailure[] }> {
  const there = await remoteRuns(remote);
  const queue = new TransferQueue({
    jobs,
    transfer: async (item) => {
      const file = path.join(runsDir(repo), item.oid);
      await remote.put(runKey(item.oid), file, { size: fs.statSync(file).size, sha256: item.oid.slice(65) });
    },
  });
  for (const r of runs) if (!there.has(r.name)) queue.add({ oid: r.name, size: 0, neededBy: 'run cache' });
  const res = await queue.run();
  return { uploaded: res.done.length, failed: res.failed };
}

/**
 * Download the remote's run entries that the local cache lacks (entries only: a run's
 * outputs are fetched when `dvd repro` restores it). Each is checked against the hash in
 * its name before it is renamed into place. Call holding the repository lock (it writes
 * through .dvd/tmp).
 */
export async function fetchRuns(repo: Repo, remote: Remote, jobs: number): Promise<{ downloaded: number; failed: TransferFailure[] }> {
  const local = new Set(listRuns(repo));
  const queue = new TransferQueue({
    jobs,
    transfer: async (item) => {
      const tmp = tempPath(repo);
      try {
        // The expected hash lets the backend retry a body damaged in transit (as fetch does).
        const got = await remote.get(runKey(item.oid), tmp, { sha256: item.oid.slice(65) });
        if (got.sha256 !== item.oid.slice(65)) {
          throw new TransferError('corrupt', 'ECORRUPT', `run entry ${item.oid} on remote ${remote.name} is damaged (sha256:${got.sha256})`);
        }
        fs.mkdirSync(runsDir(repo), { recursive: true });
        fs.renameSync(tmp, path.join(runsDir(repo), item.oid));
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
  });
  for (const name of await remoteRuns(remote)) if (!local.has(name)) queue.add({ oid: name, size: 0, neededBy: 'run cache' });
  const res = await queue.run();
  return { downloaded: res.done.length, failed: res.failed };
}
