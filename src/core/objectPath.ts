import path from 'node:path';

// The one place that turns an oid into a location (pnpm's getFilePathInCafs habit).
// Layout: <root>/sha256/ab/cdef... ; the same relative key is used on remotes.

export function objectKey(oid: string): string {
  return `sha256/${oid.slice(0, 2)}/${oid.slice(2)}`;
}

export function objectPath(cacheDir: string, oid: string): string {
  return path.join(cacheDir, 'sha256', oid.slice(0, 2), oid.slice(2));
}
