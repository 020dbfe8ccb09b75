import { parentPort, workerData } from 'node:worker_threads';
import { runFileJob, sendError, type FileJob } from './fileJobs.js';
import type { CacheDirs } from './objects.js';

// Entry point of a filePool worker thread: runs batches of file jobs synchronously and
// answers each batch with one message.
const dirs = workerData as CacheDirs;

parentPort!.on('message', (msg: { id: number; jobs: FileJob[] }) => {
  const results = msg.jobs.map((job) => {
    try {
      return { ok: runFileJob(dirs, job) };
    } catch (err) {
      return { err: sendError(err) };
    }
  });
  parentPort!.postMessage({ id: msg.id, results });
});
