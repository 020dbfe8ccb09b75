import fs from 'node:fs';
import { DvdError } from './errors.js';
import { explainFsError, shownPath } from './fsError.js';
import { hashFileSync } from './hashFile.js';
import { storeFileSync, type CacheDirs } from './objects.js';
import { placeCopySync } from './placeFile.js';

// The per-file work of big adds and checkouts, as plain data in and out, so the same function runs
// inline or in a worker thread (filePool.ts) and both give identical results.

export type FileJob =
  /** Copy src into the cache (objects.ts storeFileSync). */
  | { op: 'store'; src: string; size: number }
  /** Only hash src (hardlink/symlink cache types link the file itself). */
  | { op: 'hash'; src: string; size: number }
  /** Checkout by copy of object src to dest (placeFile.ts placeCopySync). */
  | { op: 'place'; src: string; dest: string; exec: boolean; size: number };

export interface FileJobResult {
  /** store and hash jobs: the content's oid and size. */
  oid?: string;
  size?: number;
  /** place jobs: the written file's identity, for the stat cache. */
  placed?: { ino: number; mtimeMs: number };
  /** lstat of src after the job: the caller records it only if the file did not change. */
  after?: { size: number; mtimeMs: number; ino: number };
}

export function runFileJob(dirs: CacheDirs, job: FileJob): FileJobResult {
  try {
    if (job.op === 'hash') return hashFileSync(job.src);
    if (job.op === 'place') return { placed: placeCopySync(job.src, job.dest, job.exec, job.size) };
  } catch (err) {
    // Explained here, on the thread, while the errno and the file are known.
    throw explainFsError(err, job.op === 'place' ? 'checkout' : 'add', shownPath(job.op === 'place' ? job.dest : job.src));
  }
  const r: FileJobResult = storeFileSync(dirs, job.src);
  const st = fs.lstatSync(job.src, { throwIfNoEntry: false });
  if (st) r.after = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  return r;
}

/** An error as data, for postMessage (which drops a class and its own fields). */
export interface SentError {
  message: string;
  code?: string;
  dvd?: { hint?: string; exitCode: number; data?: Record<string, unknown> };
}

export function sendError(err: unknown): SentError {
  if (err instanceof DvdError) return { message: err.message, code: err.code, dvd: { hint: err.hint, exitCode: err.exitCode, data: err.data } };
  if (err instanceof Error) return { message: err.message, code: (err as NodeJS.ErrnoException).code };
  return { message: String(err) };
}

export function receiveError(e: SentError): Error {
  if (e.dvd) return new DvdError(e.code ?? 'EDVD', e.message, e.dvd);
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}
