import fs from 'node:fs';
import path from 'node:path';
import type { LinkType } from './linkTypes.js';
import type { Repo } from './repo.js';

/**
 * Which ways of putting a cache object into the workspace work on this machine, tried
 * for real: a temp file in the cache's temp folder is reflinked, hard-linked, symlinked
 * and copied into `.dvd/` (the workspace's file system). Leaves nothing behind. For
 * `dvd version`; checkout itself probes on its first file (Linker).
 */
export function probeLinkTypes(repo: Repo): Record<LinkType, boolean> {
  fs.mkdirSync(repo.tmpDir, { recursive: true });
  const src = path.join(repo.tmpDir, `probe-${process.pid}`);
  const dst = path.join(repo.dvdDir, `.probe-${process.pid}`);
  const tryIt = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch {
      return false;
    } finally {
      fs.rmSync(dst, { force: true });
    }
  };
  try {
    fs.writeFileSync(src, 'dvd link probe\n');
    return {
      reflink: tryIt(() => fs.copyFileSync(src, dst, fs.constants.COPYFILE_FICLONE_FORCE)),
      hardlink: tryIt(() => fs.linkSync(src, dst)),
      symlink: tryIt(() => fs.symlinkSync(src, dst)),
      copy: tryIt(() => fs.copyFileSync(src, dst)),
    };
  } finally {
    fs.rmSync(src, { force: true });
  }
}
