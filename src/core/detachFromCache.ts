import fs from 'node:fs';
import path from 'node:path';

/**
 * Replace symlinks and shared (read-only, multiply linked) files under `abs` with private,
 * writable copies holding the same bytes (mode 0666 less the umask), so editing them
 * cannot touch the cache (hardlink/symlink cache types). Private files are left alone.
 * Returns how many files were copied.
 */
export function detachFromCache(abs: string): number {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return 0;
  if (st.isDirectory()) {
    let n = 0;
    for (const name of fs.readdirSync(abs)) n += detachFromCache(path.join(abs, name));
    return n;
  }
  const shared = st.isSymbolicLink() || (st.nlink > 1 && (st.mode & 0o222) === 0);
  if (!shared) return 0;
  const tmp = `${abs}.dvd-detach-${process.pid}`;
  fs.copyFileSync(abs, tmp); // follows a symlink: copies the object's bytes
  fs.chmodSync(tmp, 0o666 & ~process.umask());
  fs.renameSync(tmp, abs);
  return 1;
}
