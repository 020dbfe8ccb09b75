import prettyBytes from 'pretty-bytes';

/**
 * The one size formatter of every message: 1536 -> "1.5 KiB", 0 -> "0 B". pretty-bytes
 * with binary (1024-based, IEC) units, since cache and disk tools (du -h, ls -lh) count so.
 */
export function formatBytes(n: number): string {
  return prettyBytes(n, { binary: true });
}
