import type { Pointer } from '../core/pointer.js';
import type { LockedOut } from './lockFile.js';

/**
 * The pointer a recorded output stands for (a folder when it has `files`), named by the
 * output's last path segment as a `.dvd` file names its target. Its own small module:
 * `dvd artifact show NAME@vX.Y.Z` needs it without the checkout code beside its users.
 */
export function pointerOfOut(out: LockedOut): Pointer {
  const name = out.path.slice(out.path.lastIndexOf('/') + 1);
  if (out.files !== undefined) return { path: name, type: 'dir', oid: out.oid, size: out.size, files: out.files };
  return out.exec ? { path: name, type: 'file', oid: out.oid, size: out.size, exec: true } : { path: name, type: 'file', oid: out.oid, size: out.size };
}
