import path from 'node:path';
import { DvdError } from './errors.js';
import type { LinkType } from './linkTypes.js';

// The one place that turns an errno into words (issue 9 B14). Node's own text for a
// failed call ("EXDEV: cross-device link not permitted, link '/repo/.dvd/cache/…' ->
// '/repo/data/.a.dvd-tmp-…'") names the syscall and dvd's temp files; the user needs
// the file they know, what went wrong, and what to do. The words follow the C library's
// strerror(3) where that is already plain, and the hints what a user can change.
const WORDS: Record<string, { words: string; hint?: string }> = {
  ENOSPC: { words: 'no space left on device', hint: 'free some space and run the command again; nothing was lost' },
  EDQUOT: { words: 'disk quota exceeded', hint: 'free some space (or raise the quota) and run the command again; nothing was lost' },
  EACCES: { words: 'permission denied', hint: 'check the owner and mode of the file and of its folder' },
  EPERM: { words: 'operation not permitted', hint: 'check the owner and mode of the file and of its folder (and any immutable attribute)' },
  EROFS: { words: 'read-only file system', hint: 'remount it writable, or point cache.dir to a writable place' },
  EMLINK: { words: 'too many links (the file system limits hard links to one file, or sub-folders of one folder)', hint: 'add copy to cache.type: dvd config cache.type hardlink,copy' },
  ENAMETOOLONG: { words: 'file name too long for this file system', hint: 'rename it where it was made, or use a file system with longer names' },
  ENOTDIR: { words: 'a part of the path is a file, not a folder', hint: 'move the file away and run the command again' },
  EISDIR: { words: 'is a folder, not a file', hint: 'move the folder away and run the command again' },
  ELOOP: { words: 'too many levels of symbolic links (a link that points back at itself?)' },
  EXDEV: { words: 'cannot link or move across file systems' },
  ENOENT: { words: 'no such file or folder' },
  EEXIST: { words: 'already exists' },
  ENOTEMPTY: { words: 'the folder is not empty' },
  EBUSY: { words: 'busy (in use, or a mount point)' },
  ETXTBSY: { words: 'in use by a running program', hint: 'stop the program and run the command again' },
  EIO: { words: 'input/output error (the disk or network file system failed)', hint: 'check the device (dmesg); nothing half-written was renamed into place' },
  EMFILE: { words: 'too many open files', hint: 'lower -j, or raise the limit with `ulimit -n`' },
  ENFILE: { words: 'too many open files in the system', hint: 'lower -j, or raise the system limit (fs.file-max)' },
  EFBIG: { words: 'file too large for this file system' },
  EOPNOTSUPP: { words: 'not supported by this file system' },
  ENOTSUP: { words: 'not supported by this file system' },
  ESTALE: { words: 'stale file handle (the network file system lost the file)', hint: 'remount it and run the command again' },
};

/**
 * Turn a failed file system call into a DvdError `"<verb> <file>: <words>"` with a hint,
 * keeping the errno as its code and the original as its cause (for -v). `file` is the
 * path the user knows (not a temp name). dvd's own errors pass through unchanged; an
 * errno with no entry keeps Node's text, prefixed with verb and file.
 */
export function explainFsError(err: unknown, verb: string, file: string): unknown {
  if (err instanceof DvdError || !(err instanceof Error)) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const known = code ? WORDS[code] : undefined;
  if (!known) {
    if (!err.message.startsWith(`${verb} ${file}: `)) err.message = `${verb} ${file}: ${err.message}`;
    return err;
  }
  return new DvdError(code!, `${verb} ${file}: ${known.words}`, { hint: known.hint, cause: err });
}

/** For errors no caller explained: Node's system error `err` in words, naming its path, or null. */
export function describeSystemError(err: unknown): DvdError | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException;
  const known = e.code ? WORDS[e.code] : undefined;
  if (!known || !e.path) return null;
  return new DvdError(e.code!, `${shownPath(e.path)}: ${known.words}`, { hint: known.hint, cause: err });
}

/** Words for errno `code`, or undefined. */
export function errnoWords(code: string | undefined): string | undefined {
  return code ? WORDS[code]?.words : undefined;
}

/**
 * A cache type that cannot work here and has nothing after it in cache.type to fall back
 * to: say why in words, and that `copy` added to the list fixes it.
 */
export function linkTypeFailure(err: unknown, o: { type: LinkType; configured: LinkType[]; verb: string; file: string }): DvdError {
  const code = (err as NodeJS.ErrnoException).code;
  let why: string;
  if (o.type === 'hardlink' && code === 'EXDEV') why = 'hardlink cannot cross file systems (cache.dir is on another one)';
  else if (o.type === 'hardlink' && code === 'EMLINK') why = 'hardlink: the cache object already has as many links as the file system allows';
  else if (o.type === 'reflink') why = 'reflink is not supported here (the file system cannot clone files, or cache.dir is on another one)';
  else why = `${o.type} does not work on this file system (${errnoWords(code) ?? code})`;
  const fixed = [...o.configured.filter((t) => t !== 'copy'), 'copy'].join(',');
  return new DvdError(code ?? 'ELINK', `${o.verb} ${o.file}: ${why}; add copy to cache.type`, { hint: `dvd config cache.type ${fixed}`, cause: err });
}

/**
 * An absolute path as errors show it: relative to the folder dvd runs in (what a user
 * can paste there), absolute when it lies outside that folder.
 */
export function shownPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}
