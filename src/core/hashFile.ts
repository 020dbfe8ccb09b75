import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { readSmallSync, SMALL_FILE_LIMIT } from './smallFile.js';

// Small files (SMALL_FILE_LIMIT, see smallFile.ts) are read and hashed synchronously from
// one buffer. Bigger files are streamed through a fixed buffer so a 10 GiB file hashes
// in constant memory without blocking the event loop.
const CHUNK = 1024 * 1024;
const read = promisify(fs.read);

export function hashBuffer(buf: Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** SHA-256 of a file's content, hex. Also returns the byte count actually read. */
export async function hashFile(file: string): Promise<{ oid: string; size: number }> {
  // One open for both paths: the size decides how the same descriptor is read.
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.fstatSync(fd).size <= SMALL_FILE_LIMIT) {
      const buf = readSmallSync(fd); // null: the file grew meanwhile; stream it below
      if (buf) return { oid: hashBuffer(buf), size: buf.length };
    }
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await read(fd, buf, 0, CHUNK, size);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { oid: h.digest('hex'), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** hashFile for worker threads and small inline jobs: the same result, synchronously. */
export function hashFileSync(file: string): { oid: string; size: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const small = readSmallSync(fd);
    if (small) return { oid: hashBuffer(small), size: small.length };
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, size);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
    return { oid: h.digest('hex'), size };
  } finally {
    fs.closeSync(fd);
  }
}
