import { createHash } from 'node:crypto';
import fs from 'node:fs';

// Files up to this size are read in one call; bigger ones are streamed through a
// fixed buffer so a 10 GiB file hashes in constant memory.
const WHOLE_READ_LIMIT = 4 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const SYNC_LIMIT = 1024 * 1024;

export function hashBuffer(buf: Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** SHA-256 of a file's content, hex. Also returns the byte count actually read. */
export async function hashFile(file: string): Promise<{ oid: string; size: number }> {
  // Small files: one synchronous open/fstat/read/close instead of four libuv round trips
  // (see SMALL_FILE_LIMIT in objects.ts for the measurement).
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.fstatSync(fd).size <= SYNC_LIMIT) {
      const buf = fs.readFileSync(fd);
      return { oid: hashBuffer(buf), size: buf.length };
    }
  } finally {
    fs.closeSync(fd);
  }
  const fh = await fs.promises.open(file, 'r');
  try {
    const st = await fh.stat();
    if (st.size <= WHOLE_READ_LIMIT) {
      const buf = await fh.readFile();
      return { oid: hashBuffer(buf), size: buf.length };
    }
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { oid: h.digest('hex'), size };
  } finally {
    await fh.close();
  }
}
