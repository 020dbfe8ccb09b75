import fs from 'node:fs';
import { modeAfterUmask } from './fileMode.js';

// Files up to this size are read, hashed (and stored or copied, see objects.ts and
// Linker.ts) with synchronous calls from one buffer. The async path costs a libuv round
// trip per call (open, stat, read, close, ...), and on a busy 2-core machine each round
// trip waits for the main thread to be scheduled again: the bench measured 2,000 x 1 KiB
// at 6.6 ms per file that way.
export const SMALL_FILE_LIMIT = 1024 * 1024;

// Small files (the 100,000-file case) are read into one reused buffer instead of a new
// one per file: readFileSync's per-file allocation plus the garbage collector cost ~90 ms
// of a 1.8 s checkout of 5,000 x 100 KiB files (cpu profile).
const scratch = Buffer.allocUnsafe(SMALL_FILE_LIMIT + 1);

/**
 * Read the whole of `fd` if it holds at most SMALL_FILE_LIMIT bytes, else null. The
 * returned bytes are a view of a buffer shared by every call: use them before the next
 * call (synchronously) and never keep them.
 */
export function readSmallSync(fd: number): Buffer | null {
  let n = 0;
  for (;;) {
    const got = fs.readSync(fd, scratch, n, scratch.length - n, null);
    if (got === 0) return scratch.subarray(0, n);
    n += got;
    if (n > SMALL_FILE_LIMIT) return null;
  }
}

/**
 * Create `file` (it must not exist) holding `buf` with exactly `mode`; its stat. Opened
 * with its final mode, so fchmod is needed only when the umask narrows it (cache objects'
 * 0444 under umask 077; workspace files come already masked, see workspaceMode).
 */
export function writeNewFileSync(file: string, buf: Uint8Array, mode: number): fs.Stats {
  const fd = fs.openSync(file, 'wx', mode);
  try {
    fs.writeFileSync(fd, buf);
    if (modeAfterUmask(mode) !== mode) fs.fchmodSync(fd, mode);
    return fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
