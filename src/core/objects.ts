import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DvdError, isErrno } from './errors.js';
import { explainFsError, shownPath } from './fsError.js';
import { hashBuffer, hashFile, hashFileSync } from './hashFile.js';
import { readSmallSync, writeNewFileSync } from './smallFile.js';
import { objectPath } from './objectPath.js';
import type { Repo } from './repo.js';

// The content-addressed cache. Every object enters through a temp file in repo.tmpDir
// and is renamed into place only once complete and hashed (DESIGN rule 1), so a reader
// or a crash never sees half an object. Objects are read-only (0444).

/** The two folders object writes need; a Repo has them, and so does a worker thread. */
export type CacheDirs = Pick<Repo, 'cacheDir' | 'tmpDir'>;

let tmpCounter = 0;
const madeDirs = new Set<string>();

// One random tag per process (a reused pid cannot collide with a crashed run's leftovers);
// a fresh randomBytes per object cost ~9 us each on 100,000-file adds (bench profile).
const RUN_TAG = randomBytes(4).toString('hex');

export function tempPath(repo: CacheDirs): string {
  return path.join(repo.tmpDir, `${process.pid}-${RUN_TAG}-${tmpCounter++}`);
}

export function hasObject(repo: CacheDirs, oid: string): boolean {
  return fs.existsSync(objectPath(repo.cacheDir, oid));
}

function ensureFanout(repo: CacheDirs, oid: string): string {
  const dest = objectPath(repo.cacheDir, oid);
  const dir = path.dirname(dest);
  // Hot path: called once per object; mkdir per call would cost a syscall each.
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  return dest;
}

/** Move a complete, already verified temp file into the cache as object `oid`. */
export async function installTempObject(repo: Repo, tmp: string, oid: string): Promise<string> {
  const dest = ensureFanout(repo, oid);
  await fs.promises.chmod(tmp, 0o444);
  // Same oid means same bytes, so replacing an existing object is harmless and also
  // repairs one that `dvd verify` quarantined.
  await fs.promises.rename(tmp, dest);
  return dest;
}

/**
 * Copy a workspace file into the cache. The stored bytes are exactly the bytes hashed,
 * even if the source changes meanwhile: small files are hashed and written from one
 * buffer, large ones copied (or reflinked) and the copy hashed. Synchronous on purpose:
 * big adds run it in worker threads (filePool.ts), small ones inline.
 */
export function storeFileSync(repo: CacheDirs, src: string): { oid: string; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(src, 'r');
  } catch (err) {
    throw explainFsError(err, 'add', shownPath(src));
  }
  const tmp = tempPath(repo);
  try {
    const small = readSmallSync(fd);
    let oid: string;
    let size: number;
    if (small) {
      oid = hashBuffer(small);
      size = small.length;
      if (hasObject(repo, oid)) return { oid, size };
      writeNewFileSync(tmp, small, 0o444);
    } else {
      ({ oid, size } = copyAndHashSync(src, tmp));
      if (hasObject(repo, oid)) {
        fs.unlinkSync(tmp);
        return { oid, size };
      }
    }
    fs.renameSync(tmp, ensureFanout(repo, oid));
    return { oid, size };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw explainFsError(err, 'add', shownPath(src));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copy a large file to tmp in the kernel (a reflink where the file system can) and hash
 * the copy. Measured against one pass of read + hash + write through a 4 MiB buffer on
 * a 256 MiB file: 559 vs 954 ms (medians of 5), since copy_file_range skips the copy
 * into this process and the copy is read back from the page cache.
 */
function copyAndHashSync(src: string, tmp: string): { oid: string; size: number } {
  fs.copyFileSync(src, tmp, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
  fs.chmodSync(tmp, 0o444);
  return hashFileSync(tmp);
}

/**
 * Put a workspace file into the cache by hard-linking it (no data copied), for the
 * hardlink and symlink cache types. The workspace file becomes read-only: it is the
 * cache object from now on. Falls back to a copy across file systems.
 */
export async function storeFileByLink(repo: Repo, src: string, knownOid?: string): Promise<{ oid: string; size: number; linked: boolean }> {
  const { oid, size } = knownOid ? { oid: knownOid, size: (await fs.promises.stat(src)).size } : await hashFile(src);
  if (hasObject(repo, oid)) return { oid, size, linked: false };
  const tmp = tempPath(repo);
  try {
    await fs.promises.link(src, tmp);
  } catch (err) {
    if (isErrno(err, 'EXDEV') || isErrno(err, 'EPERM') || isErrno(err, 'EMLINK')) {
      const r = storeFileSync(repo, src);
      return { ...r, linked: false };
    }
    throw explainFsError(err, 'add', shownPath(src));
  }
  await installTempObject(repo, tmp, oid);
  return { oid, size, linked: true };
}

export async function storeBuffer(repo: Repo, data: Uint8Array | string): Promise<string> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const oid = hashBuffer(buf);
  if (hasObject(repo, oid)) return oid;
  const tmp = tempPath(repo);
  try {
    await fs.promises.writeFile(tmp, buf);
    await installTempObject(repo, tmp, oid);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw explainFsError(err, 'write object', oid);
  }
  return oid;
}

export async function readObject(repo: Repo, oid: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(objectPath(repo.cacheDir, oid));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw missingObject(oid);
    throw err;
  }
}

export function missingObject(oid: string, neededBy?: string): DvdError {
  return new DvdError('ENOOBJECT', `object sha256:${oid} is not in the cache${neededBy ? ` (needed by ${neededBy})` : ''}`, {
    hint: 'run `dvd pull` (or `dvd fetch`) to download it from a remote',
    data: { oid, neededBy },
  });
}
