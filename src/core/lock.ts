import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import type { Repo } from './repo.js';

// One lock per repository for commands that write (DESIGN rule 5): `.dvd/state.lock`,
// holding the holder's pid, command and a random id. Hand-written rather than
// proper-lockfile, which (checked in 4.1.2) decides staleness by an mtime that a timer
// must refresh every few seconds (a busy event loop makes a live holder "stale"), takes
// over by rmdir-then-mkdir (two waiters that both saw the stale lock can both win; the
// loser learns it only on its next refresh, as "compromised"), and records no pid, which
// our error message must name.
//
// How this one stays correct:
// - The lock file is written complete in a temp file and hard-linked into place, so a
//   reader never sees a half-written lock (link fails with EEXIST when it is held).
// - A lock whose holder is dead is stale at once; one whose content names no process
//   (zero bytes or garbled: a crash between create and write, or another tool) is stale
//   once the wait is over.
// - Taking over a stale lock is a section that only one process can be in per stale
//   lock: it first creates `state.lock.takeover-<id of that lock>` exclusively, checks
//   the lock is still that same one (device, inode and bytes), and only then unlinks it.
//   A stale lock never comes back to life, so whoever gets the section later finds a
//   different lock and leaves it alone. The marker of a takeover whose process died is
//   itself taken over the same way, one level down.
export interface RepoLock {
  release(): void;
}

interface LockFileState {
  /** Device, inode and content hash: which lock this is, for the takeover check. */
  identity: string;
  pid?: number;
  command?: string;
  id?: string;
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function readLockFile(file: string): LockFileState | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    const bytes = fs.readFileSync(fd);
    const out: LockFileState = { identity: `${st.dev}:${st.ino}:${sha(bytes)}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return out;
    }
    if (typeof parsed === 'object' && parsed !== null) {
      const p = parsed as Record<string, unknown>;
      if (Number.isInteger(p.pid) && (p.pid as number) > 0) out.pid = p.pid as number;
      if (typeof p.command === 'string') out.command = p.command;
      if (typeof p.id === 'string') out.id = p.id;
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** Create `file` holding `body`, complete or not at all; false when it exists. */
function createExclusive(file: string, body: string): boolean {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, body, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    if (!LINK_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // A file system without hard links: exclusive create, then write. A reader may see it
  // empty for a moment, which only counts as stale after a whole wait.
  try {
    fs.writeFileSync(file, body, { flag: 'wx' });
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}

function unlinkIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

const isStale = (s: LockFileState, waitedEnough: boolean) => (s.pid === undefined ? waitedEnough : !pidAlive(s.pid));

/**
 * Remove `file` if it is still the lock `identity`, as the only process doing so (see the
 * header). Returns without removing anything when another process is at it; the caller
 * looks again.
 */
function takeOver(lockFile: string, file: string, identity: string, body: string, waitedEnough: boolean, depth = 0): void {
  if (depth > 8) return;
  const marker = `${lockFile}.takeover-${sha(identity).slice(0, 16)}`;
  if (createExclusive(marker, body)) {
    try {
      if (readLockFile(file)?.identity === identity) unlinkIfPresent(file);
    } finally {
      unlinkIfPresent(marker);
    }
    return;
  }
  const m = readLockFile(marker);
  if (m && isStale(m, waitedEnough)) takeOver(lockFile, marker, m.identity, body, waitedEnough, depth + 1);
}

/** Temp files and takeover markers that crashed processes left beside the lock. */
function removeLeftovers(lockFile: string): void {
  const dir = path.dirname(lockFile);
  const prefix = `${path.basename(lockFile)}.`;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(dir, name);
    const tmp = /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    const pid = tmp ? Number(tmp[1]) : name.slice(prefix.length).startsWith('takeover-') ? readLockFile(file)?.pid : undefined;
    if (pid !== undefined && pid !== process.pid && !pidAlive(pid)) unlinkIfPresent(file);
  }
}

// Held locks of this process, by lock file: re-entrant, so an operation holding the lock
// can call another that takes it (gc reads missing manifests through fetch).
const held = new Map<string, { id: string; count: number }>();

/** Take the repository lock, waiting up to `waitMs` for a live holder; ELOCKED after that. */
export async function acquireLock(repo: Repo, command: string, waitMs = Number(process.env.DVD_LOCK_WAIT_MS ?? 3000)): Promise<RepoLock> {
  const mine = held.get(repo.lockFile);
  if (mine) {
    mine.count++;
    return { release: once(() => releaseHeld(repo.lockFile)) };
  }
  const deadline = Date.now() + waitMs;
  const id = randomBytes(8).toString('hex');
  const body = JSON.stringify({ pid: process.pid, command, since: new Date().toISOString(), id });
  fs.mkdirSync(path.dirname(repo.lockFile), { recursive: true });
  for (;;) {
    if (createExclusive(repo.lockFile, body)) break;
    const holder = readLockFile(repo.lockFile);
    if (holder === null) continue;
    const waitedEnough = Date.now() >= deadline;
    if (isStale(holder, waitedEnough)) {
      takeOver(repo.lockFile, repo.lockFile, holder.identity, body, waitedEnough);
      if (createExclusive(repo.lockFile, body)) break;
    }
    if (waitedEnough) {
      const now = readLockFile(repo.lockFile) ?? holder;
      throw new DvdError('ELOCKED', `another dvd process (pid ${now.pid ?? '?'}${now.command ? `: dvd ${now.command}` : ''}) is working in this repository`, {
        hint: `wait for it to finish; if no such process exists, remove ${repo.lockFile}`,
        data: { pid: now.pid },
      });
    }
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
  held.set(repo.lockFile, { id, count: 1 });
  removeLeftovers(repo.lockFile);
  clearTmp(repo.tmpDir);
  // One exit listener per acquisition would pile up in a process that takes the lock many
  // times (dvd repro commits each stage under it): Node warns past 10. So release drops it.
  const release = once(() => {
    process.off('exit', release);
    releaseHeld(repo.lockFile);
  });
  process.once('exit', release);
  return { release };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function releaseHeld(lockFile: string): void {
  const mine = held.get(lockFile);
  if (!mine || --mine.count > 0) return;
  held.delete(lockFile);
  const cur = readLockFile(lockFile);
  if (cur?.id === mine.id) unlinkIfPresent(lockFile);
}

/**
 * Temp files of crashed runs. Only those whose pid (the name's first field, see
 * objects.ts tempPath) is gone: a `cache.dir` shared by several repositories has one
 * tmp/ and as many locks.
 */
function clearTmp(tmpDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    fs.mkdirSync(tmpDir, { recursive: true });
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) continue;
    fs.rmSync(path.join(tmpDir, name), { recursive: true, force: true });
  }
}

/** Run fn holding the repository lock. */
export async function withLock<T>(repo: Repo, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(repo, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
