import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { DvdError, isErrno } from './errors.js';
import { workspaceMode } from './fileMode.js';
import { readSmallSync, SMALL_FILE_LIMIT, writeNewFileSync } from './smallFile.js';

// Writing one workspace file from the cache: a temp name beside the destination, then a
// rename over it, so a reader never sees half a file and an existing symlink is
// replaced, never followed. Shared by the Linker (every type) and by checkout's worker
// threads (filePool.ts), which take over once the Linker has settled on `copy`.

let counter = 0;

export function tempBeside(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.dvd-tmp-${process.pid}-${threadId}-${counter++}`);
}

// The names tempBeside makes. One left by a killed dvd (Ctrl-C) is not the user's data:
// walks skip it, add refuses it by name, and checkout deletes those beside and inside
// the targets it works on (removeCheckoutTemps.ts).
const CHECKOUT_TEMP = /^\.(.+)\.dvd-tmp-\d+(?:-\d+)+$/;

/** Whether a file name is one of checkout's temp names. */
export function isCheckoutTemp(name: string): boolean {
  return name.includes('.dvd-tmp-') && CHECKOUT_TEMP.test(name);
}

/** The destination name a checkout temp file was written for (`model.bin` for `.model.bin.dvd-tmp-1-0-0`), else null. */
export function checkoutTempOwner(name: string): string | null {
  return name.includes('.dvd-tmp-') ? (CHECKOUT_TEMP.exec(name)?.[1] ?? null) : null;
}

/** Refusal of a checkout temp file named as a target (add, move, imports). */
export function checkoutTempError(arg: string): DvdError {
  return new DvdError('EBADTARGET', `${arg}: a temp file left by an interrupted dvd checkout, not data`, {
    hint: 'the next `dvd checkout` deletes it; its target is restored from the cache',
  });
}

/**
 * Copy small object `src` to the new file `tmp` with `mode`, with synchronous calls from
 * one reused buffer, and return the new file's identity (a rename keeps both); null
 * when src is bigger than SMALL_FILE_LIMIT (nothing written).
 * Read + write beat copyFileSync 2-3x for 1 KiB files here (its FICLONE probe,
 * ftruncate and fchmod per file); reflinks matter for big files, not these.
 */
export function copySmallSync(src: string, tmp: string, mode: number, size?: number): { ino: number; mtimeMs: number } | null {
  if ((size ?? fs.statSync(src).size) > SMALL_FILE_LIMIT) return null;
  const inFd = fs.openSync(src, 'r');
  let buf: Buffer | null;
  try {
    buf = readSmallSync(inFd);
  } finally {
    fs.closeSync(inFd);
  }
  return buf && writeNewFileSync(tmp, buf, mode);
}

/** Rename the finished tmp over dest (removing tmp if that fails). */
export function replaceWith(tmp: string, dest: string, absent: boolean): void {
  try {
    // Unlink first: ext4 (auto_da_alloc) forces the new file's blocks to disk when a
    // rename replaces an existing file, which made a 200-file checkout switch spend
    // ~140 ms in rename(); onto a free name it is a plain metadata update. A reader
    // may briefly see no file, never half of one.
    if (!absent) {
      try {
        fs.unlinkSync(dest);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    fs.renameSync(tmp, dest);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Before a checkout writes dest: a folder left where the file must go (empty after the
 * plan's removals) is removed; a non-empty one was reported as blocking by the plan.
 * True when nothing is at dest now.
 */
export function clearDest(dest: string): boolean {
  const st = fs.lstatSync(dest, { throwIfNoEntry: false });
  if (st?.isDirectory()) fs.rmdirSync(dest);
  return !st || st.isDirectory();
}

/**
 * Checkout of one file by copy, all synchronous (for worker threads): dest is cleared,
 * the copy is renamed into place, and the new file's identity is returned for the stat
 * cache.
 */
export function placeCopySync(src: string, dest: string, exec: boolean, size: number): { ino: number; mtimeMs: number } {
  const absent = clearDest(dest);
  const tmp = tempBeside(dest);
  const mode = workspaceMode(exec);
  let made: { ino: number; mtimeMs: number } | null;
  try {
    made = copySmallSync(src, tmp, mode, size);
    if (!made) {
      fs.copyFileSync(src, tmp, fs.constants.COPYFILE_FICLONE);
      fs.chmodSync(tmp, mode);
      made = fs.lstatSync(tmp);
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  replaceWith(tmp, dest, absent);
  return { ino: made.ino, mtimeMs: made.mtimeMs };
}
