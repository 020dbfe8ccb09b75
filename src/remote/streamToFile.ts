import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { TransferError } from './TransferError.js';

// Bodies up to this size are gathered in memory and written with one call: most
// dataset files are small, and one write beats open + a write per 16-64 KiB chunk.
const GATHER_LIMIT = 4 * 1024 * 1024;

/** A body cut short (or padded) by a proxy or a dropped connection: retried. */
export function checkSize(what: string, expected: number | undefined, got: number): void {
  if (expected !== undefined && got !== expected) {
    throw new TransferError('retriable', 'ETRUNCATED', `${what}: expected ${expected} bytes, got ${got}`);
  }
}

// Downloads are hashed while they stream to disk (DESIGN rule 1): one pass over the
// bytes, and the caller decides from the digest whether the file may enter the cache.
export async function streamToFile(
  body: Readable,
  destFile: string,
  opts: { size?: number; onBytes?: (n: number) => void; what: string },
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const check = () => checkSize(opts.what, opts.size, bytes);
  if (opts.size !== undefined && opts.size <= GATHER_LIMIT) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      chunks.push(chunk);
      bytes += chunk.length;
      opts.onBytes?.(chunk.length);
    }
    check();
    await fs.promises.writeFile(destFile, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes));
    return { sha256: hash.digest('hex'), bytes };
  }
  const fh = await fs.promises.open(destFile, 'w');
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      let off = 0;
      while (off < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
      bytes += chunk.length;
      opts.onBytes?.(chunk.length);
    }
  } finally {
    await fh.close();
  }
  check();
  return { sha256: hash.digest('hex'), bytes };
}
