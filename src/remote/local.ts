import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { resolveInside } from '../core/relPath.js';
import type { GetOptions, GetResult, PutOptions, Remote } from './Remote.js';
import { checkSize, streamToFile } from './streamToFile.js';
import { hashBuffer, hashFile } from '../core/hashFile.js';
import { copySmallSync } from '../core/placeFile.js';
import { readSmallSync, SMALL_FILE_LIMIT } from '../core/smallFile.js';
import { TransferError } from './TransferError.js';

// A folder remote (a mounted share, a USB disk, another folder on this machine). Same
// layout as the cache. Writes go to `<root>/tmp/` and are renamed into place, so a
// reader or a killed push never sees half an object under `sha256/`.
export class LocalRemote implements Remote {
  readonly name: string;
  readonly url: string;
  // Disk-bound: more than a handful of parallel copies only adds seeking.
  readonly defaultJobs = 8;
  private readonly root: string;
  private readonly madeDirs = new Set<string>();

  constructor(name: string, root: string) {
    this.name = name;
    this.root = root;
    this.url = root;
  }

  private file(key: string): string {
    return resolveInside(this.root, key, `remote ${this.name}`);
  }

  private mkdirOnce(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  private checkRoot(): void {
    if (!fs.existsSync(this.root)) {
      throw new TransferError('fatal', 'ENOREMOTEDIR', `remote ${this.name}: folder ${this.root} does not exist`, {
        hint: `create it (mkdir -p ${this.root}) or fix the url with \`dvd remote add -f\` / \`dvd remote modify ${this.name} url PATH\``,
      });
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await fs.promises.access(this.file(key));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        this.checkRoot();
        return false;
      }
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const dir = path.join(this.root, ...prefix.split('/').filter(Boolean));
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        this.checkRoot();
        return [];
      }
      throw err;
    }
    const base = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
    return names.map((n) => base + n);
  }

  async put(key: string, srcFile: string, opts: PutOptions): Promise<void> {
    this.checkRoot();
    const dest = this.file(key);
    const tmpDir = path.join(this.root, 'tmp');
    this.mkdirOnce(tmpDir);
    this.mkdirOnce(path.dirname(dest));
    const tmp = path.join(tmpDir, `${opts.sha256.slice(0, 16)}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      // Small objects: synchronous calls (why: smallFile.ts); FICLONE for the rest, a
      // reflink when both sides share a copy-on-write file system.
      if (!copySmallSync(srcFile, tmp, 0o444, opts.size)) {
        await fs.promises.copyFile(srcFile, tmp, fs.constants.COPYFILE_FICLONE);
        await fs.promises.chmod(tmp, 0o444);
      }
      fs.renameSync(tmp, dest);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    opts.onBytes?.(opts.size);
  }

  async get(key: string, destFile: string, opts: GetOptions): Promise<GetResult> {
    const what = `${key} from remote ${this.name}`;
    let stream: fs.ReadStream;
    try {
      const fh = await fs.promises.open(this.file(key), 'r');
      // Small objects: one synchronous read, hash and write (why: smallFile.ts). One
      // bigger than announced is streamed from the start like any other.
      const small = opts.size !== undefined && opts.size <= SMALL_FILE_LIMIT ? copySmallOrClose(fh, destFile) : null;
      if (small) {
        await fh.close();
        opts.onBytes?.(small.bytes);
        checkSize(what, opts.size, small.bytes);
        return small;
      }
      if (opts.size !== undefined) {
        await fh.close();
        return await this.copyAndHash(this.file(key), destFile, what, opts);
      }
      stream = fh.createReadStream({ start: 0, highWaterMark: 1024 * 1024 });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        this.checkRoot();
        throw new TransferError('missing', 'ENOREMOTEOBJECT', `${key} is not on remote ${this.name} (${this.url})`);
      }
      throw err;
    }
    return streamToFile(stream, destFile, { ...opts, what });
  }

  /**
   * A bigger object: copied in the kernel (copy_file_range, or a reflink where the file
   * system can clone) straight into destFile, then the copy is hashed. The bytes never
   * pass through this process on the way in, and what is hashed is exactly what the
   * caller will rename into the cache (DESIGN rule 1). Measured in bench/results.md
   * ("Speed at scale").
   */
  private async copyAndHash(src: string, destFile: string, what: string, opts: GetOptions): Promise<GetResult> {
    await fs.promises.copyFile(src, destFile, fs.constants.COPYFILE_FICLONE);
    const { oid, size } = await hashFile(destFile);
    opts.onBytes?.(size);
    checkSize(what, opts.size, size);
    return { sha256: oid, bytes: size };
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await fs.promises.rm(this.file(key), { force: true });
  }

  close(): void {}
}

/**
 * Hash and write a small object to destFile synchronously (the read buffer is shared:
 * it must be used up before anything awaits); null if it is bigger than SMALL_FILE_LIMIT.
 * The handle is closed, not leaked, if this fails.
 */
function copySmallOrClose(fh: fs.promises.FileHandle, destFile: string): GetResult | null {
  try {
    const buf = readSmallSync(fh.fd);
    if (!buf) return null;
    fs.writeFileSync(destFile, buf);
    return { sha256: hashBuffer(buf), bytes: buf.length };
  } catch (err) {
    void fh.close();
    throw err;
  }
}
