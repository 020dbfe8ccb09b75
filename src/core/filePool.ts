import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { receiveError, runFileJob, type FileJob, type FileJobResult, type SentError } from './fileJobs.js';
import type { CacheDirs } from './objects.js';

// Big adds spread their hashing and copying over worker threads: one thread hashes at
// ~2 GB/s and spends as long again in open/read/write/rename, so a 20,000-file add was
// bound by one core while the other sat idle. Small jobs stay inline: a worker costs
// ~30 ms to start. Checkout switching 1% measured inline cheaper at 200 files (CPU 0.89x,
// wall 0.85x of two threads) and at 1,000 files (CPU 0.92x): the floor is above that.
const MIN_FILES = 1024;
const MIN_BYTES = 64 * 1024 * 1024;
// A batch is one message each way; big enough to amortise that, small enough to balance.
const BATCH_FILES = 64;
const BATCH_BYTES = 16 * 1024 * 1024;

/** Worker threads to use for `jobs`: DVD_WORKERS if set, else one per core; 0 = inline. */
export function workerCount(jobs: readonly FileJob[]): number {
  const env = process.env.DVD_WORKERS;
  const cores = env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.min(os.availableParallelism(), 8);
  if (cores < 2 && env === undefined) return 0;
  if (env === undefined && jobs.length < MIN_FILES && jobs.reduce((n, j) => n + j.size, 0) < MIN_BYTES) return 0;
  return Math.min(cores, jobs.length);
}

/**
 * Run every job, inline or on worker threads, calling onResult(index, result) on this
 * thread as results arrive. The first failure stops new work; it is thrown once the
 * batches in flight have come back (their results are still reported).
 */
export async function runFileJobs(dirs: CacheDirs, jobs: readonly FileJob[], onResult: (index: number, r: FileJobResult) => void): Promise<void> {
  const n = workerCount(jobs);
  if (n === 0) {
    for (let i = 0; i < jobs.length; i++) onResult(i, runFileJob(dirs, jobs[i]));
    return;
  }
  // At least four batches per worker, so the last ones finish close together.
  const batches = makeBatches(jobs, Math.max(1, Math.min(BATCH_FILES, Math.floor(jobs.length / (n * 4)))));
  let next = 0;
  let failed: unknown = null;
  const workers = Array.from({ length: n }, () => new Worker(new URL('./fileWorker.js', import.meta.url), { workerData: { cacheDir: dirs.cacheDir, tmpDir: dirs.tmpDir } }));
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const send = () => {
        // Two batches per worker, so it never waits for this thread to hand out the next.
        while (failed === null && inFlight < 2 && next < batches.length) {
          const b = next++;
          inFlight++;
          w.postMessage({ id: b, jobs: batches[b].map((i) => jobs[i]) });
        }
        if (inFlight === 0) resolve();
      };
      w.on('message', (msg: { id: number; results: Array<{ ok?: FileJobResult; err?: SentError }> }) => {
        inFlight--;
        const idx = batches[msg.id];
        msg.results.forEach((r, k) => {
          try {
            if (r.ok) onResult(idx[k], r.ok);
            else failed ??= receiveError(r.err!);
          } catch (err) {
            failed ??= err;
          }
        });
        send();
      });
      w.on('error', (err) => {
        failed ??= err;
        reject(err);
      });
      send();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failed !== null) throw failed;
}

function makeBatches(jobs: readonly FileJob[], maxFiles: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (let i = 0; i < jobs.length; i++) {
    cur.push(i);
    bytes += jobs[i].size;
    if (cur.length >= maxFiles || bytes >= BATCH_BYTES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}
