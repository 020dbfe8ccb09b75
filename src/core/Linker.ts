import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from './errors.js';
import { workspaceMode } from './fileMode.js';
import { explainFsError, linkTypeFailure, shownPath } from './fsError.js';
import { objectPath } from './objectPath.js';
import { copySmallSync, replaceWith, tempBeside } from './placeFile.js';
import type { LinkType } from './linkTypes.js';
import type { Repo } from './repo.js';

// Puts cache objects into the workspace with the configured link type. The first file
// probes the types in order and the winner is kept for the rest (pnpm's importer habit);
// a type that stops working (EXDEV across file systems) falls back with one warning.
// Each file is written beside its destination under a temp name and renamed over it
// (placeFile.ts).
export class Linker {
  private types: LinkType[];
  private readonly configured: LinkType[];
  private warned = new Set<string>();
  private readonly repo: Repo;
  private readonly warn: (msg: string) => void;
  private readonly verb: string;
  private readonly cacheInside: boolean;

  /** `verb` names the command in errors (`checkout data/a.csv: ...`). */
  constructor(o: { repo: Repo; types: LinkType[]; warn: (msg: string) => void; verb: string }) {
    this.repo = o.repo;
    this.types = [...o.types];
    this.configured = [...o.types];
    this.warn = o.warn;
    this.verb = o.verb;
    const rel = path.relative(o.repo.root, o.repo.cacheDir);
    this.cacheInside = !rel.startsWith('..') && !path.isAbsolute(rel);
  }

  /** The type in use now (after probing, the one that worked). */
  get current(): LinkType {
    return this.types[0];
  }

  /**
   * Place object `oid` at `dest`. `known` saves syscalls on the hot path: the object's
   * size (from the manifest) and whether the caller just saw that `dest` does not exist.
   */
  async link(oid: string, dest: string, exec: boolean, known?: { size: number; absent: boolean }): Promise<LinkType> {
    const src = objectPath(this.repo.cacheDir, oid);
    const tmp = tempBeside(dest);
    for (;;) {
      const type = this.types[0];
      try {
        if (known?.absent && (type === 'hardlink' || type === 'symlink') && linkInPlace(type, type === 'symlink' ? this.symlinkTarget(src, dest) : src, dest)) return type;
        await this.place(type, type === 'symlink' ? this.symlinkTarget(src, dest) : src, tmp, exec, known?.size);
      } catch (err) {
        await fs.promises.rm(tmp, { force: true });
        // Another file in flight may already have given up on this type.
        if (this.types[0] !== type && isFallbackError(err)) continue;
        if (this.types.length > 1 && isFallbackError(err)) {
          const next = this.types[1];
          const key = `${type}->${next}`;
          if (!this.warned.has(key) && type !== 'reflink') {
            // reflink -> copy is the expected path on ext4 and not worth a warning.
            this.warn(`cache type ${type} does not work here (${(err as NodeJS.ErrnoException).code}); using ${next}`);
          }
          this.warned.add(key);
          this.types.shift();
          continue;
        }
        const shown = shownPath(dest);
        if (isFallbackError(err) && type !== 'copy') throw linkTypeFailure(err, { type, configured: this.configured, verb: this.verb, file: shown });
        throw explainFsError(err, this.verb, shown);
      }
      try {
        replaceWith(tmp, dest, known?.absent ?? false);
      } catch (err) {
        throw explainFsError(err, this.verb, shownPath(dest));
      }
      return type;
    }
  }

  /**
   * What a symlink at dest holds: the object's path relative to dest's folder when the
   * cache is inside the repository, so `mv` or `cp -a` of the repository keeps every
   * link leading into its own cache (git-annex does the same); absolute for a cache.dir
   * outside it, which stays put when the repository moves.
   */
  private symlinkTarget(src: string, dest: string): string {
    return this.cacheInside ? path.relative(path.dirname(dest), src) : src;
  }

  private async place(type: LinkType, src: string, tmp: string, exec: boolean, size?: number): Promise<void> {
    switch (type) {
      case 'reflink':
        await fs.promises.copyFile(src, tmp, fs.constants.COPYFILE_FICLONE_FORCE);
        await fs.promises.chmod(tmp, workspaceMode(exec));
        return;
      case 'copy':
        // Small files use synchronous calls: each libuv round trip waits for the main
        // thread to be scheduled again, which dominated checkout of 20,000 files on a busy
        // 2-core machine (see SMALL_FILE_LIMIT in smallFile.ts). FICLONE (not _FORCE)
        // still clones big ones where possible and copies in the kernel otherwise.
        if (copySmallSync(src, tmp, workspaceMode(exec), size)) return;
        await fs.promises.copyFile(src, tmp, fs.constants.COPYFILE_FICLONE);
        await fs.promises.chmod(tmp, workspaceMode(exec));
        return;
      case 'hardlink':
        fs.linkSync(src, tmp);
        return;
      case 'symlink':
        fs.symlinkSync(src, tmp);
        return;
    }
  }
}

/**
 * A link is complete the moment it exists, so where nothing is at dest it is made there
 * directly: one directory change instead of two (temp name, then rename). False if
 * something appeared at dest meanwhile (then the temp + rename path replaces it).
 */
function linkInPlace(type: 'hardlink' | 'symlink', src: string, dest: string): boolean {
  try {
    if (type === 'hardlink') fs.linkSync(src, dest);
    else fs.symlinkSync(src, dest);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}

function isFallbackError(err: unknown): boolean {
  return ['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ETXTBSY'].some((c) => isErrno(err, c));
}
