import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from './errors.js';
import { objectPath } from './objectPath.js';
import { modeAfterUmask, readSmallSync, SMALL_FILE_LIMIT } from './smallFile.js';
import type { LinkType } from './linkTypes.js';
import type { Repo } from './repo.js';

let counter = 0;

// Puts cache objects into the workspace with the configured link type. The first file
// probes the types in order and the winner is kept for the rest (pnpm's importer habit);
// a type that stops working (EXDEV across file systems) falls back with one warning.
// Each file is written beside its destination under a temp name and renamed over it,
// so a reader never sees half a file and an existing symlink is replaced, never followed.
export class Linker {
  private types: LinkType[];
  private warned = new Set<string>();

  constructor(
    private readonly repo: Repo,
    types: LinkType[],
    private readonly warn: (msg: string) => void,
  ) {
    this.types = [...types];
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
    const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.dvd-tmp-${process.pid}-${counter++}`);
    for (;;) {
      const type = this.types[0];
      try {
        await this.place(type, src, tmp, exec, known?.size);
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
        throw err;
      }
      try {
        // Unlink first: ext4 (auto_da_alloc) forces the new file's blocks to disk when a
        // rename replaces an existing file, which made a 200-file checkout switch spend
        // ~140 ms in rename(); onto a free name it is a plain metadata update. A reader
        // may briefly see no file, never half of one.
        if (!known?.absent) {
          try {
            fs.unlinkSync(dest);
          } catch (err) {
            if (!isErrno(err, 'ENOENT')) throw err;
          }
        }
        fs.renameSync(tmp, dest);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
      return type;
    }
  }

  private async place(type: LinkType, src: string, tmp: string, exec: boolean, size?: number): Promise<void> {
    switch (type) {
      case 'reflink':
        await fs.promises.copyFile(src, tmp, fs.constants.COPYFILE_FICLONE_FORCE);
        await fs.promises.chmod(tmp, exec ? 0o755 : 0o644);
        return;
      case 'copy':
        // FICLONE (not _FORCE) still clones where possible and copies in the kernel otherwise.
        // Small files and links use synchronous calls: each libuv round trip waits for the
        // main thread to be scheduled again, which dominated checkout of 20,000 files on a
        // busy 2-core machine (see SMALL_FILE_LIMIT in smallFile.ts).
        // Read + write beat copyFileSync 2-3x for 1 KiB files here (its FICLONE probe,
        // ftruncate and fchmod per file); reflinks matter for big files, not these.
        if ((size ?? fs.statSync(src).size) <= SMALL_FILE_LIMIT) {
          const mode = exec ? 0o755 : 0o644;
          const inFd = fs.openSync(src, 'r');
          let buf: Buffer | null;
          try {
            buf = readSmallSync(inFd);
          } finally {
            fs.closeSync(inFd);
          }
          if (buf) {
            const fd = fs.openSync(tmp, 'wx', mode);
            try {
              fs.writeFileSync(fd, buf);
              if (modeAfterUmask(mode) !== mode) fs.fchmodSync(fd, mode);
            } finally {
              fs.closeSync(fd);
            }
            return;
          }
        }
        await fs.promises.copyFile(src, tmp, fs.constants.COPYFILE_FICLONE);
        await fs.promises.chmod(tmp, exec ? 0o755 : 0o644);
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

function isFallbackError(err: unknown): boolean {
  return ['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ETXTBSY'].some((c) => isErrno(err, c));
}
