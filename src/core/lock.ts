import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import type { Repo } from './repo.js';

// One lock per repository for commands that write (DESIGN rule 5). A file created with
// O_EXCL holding our pid and command; a stale lock (holder gone) is taken over. We keep
// this hand-written because the holder's pid must be in the error message, which
// proper-lockfile does not record.
export interface RepoLock {
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

export async function acquireLock(repo: Repo, command: string, waitMs = Number(process.env.DVD_LOCK_WAIT_MS ?? 3000)): Promise<RepoLock> {
  const deadline = Date.now() + waitMs;
  const body = JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() });
  for (;;) {
    try {
      fs.writeFileSync(repo.lockFile, body, { flag: 'wx' });
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    let holder: { pid?: number; command?: string } = {};
    try {
      holder = JSON.parse(fs.readFileSync(repo.lockFile, 'utf8'));
    } catch {
      // Being written or removed right now; look again.
    }
    if (typeof holder.pid === 'number' && !pidAlive(holder.pid)) {
      fs.rmSync(repo.lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new DvdError('ELOCKED', `another dvd process (pid ${holder.pid ?? '?'}${holder.command ? `: dvd ${holder.command}` : ''}) is working in this repository`, {
        hint: `wait for it to finish; if no such process exists, remove ${repo.lockFile}`,
        data: { pid: holder.pid },
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  clearTmp(repo.tmpDir);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // One listener per acquisition would pile up in a process that takes the lock many
    // times (dvd repro commits each stage under it): Node warns past 10.
    process.off('exit', release);
    try {
      const cur = JSON.parse(fs.readFileSync(repo.lockFile, 'utf8'));
      if (cur.pid === process.pid) fs.rmSync(repo.lockFile, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once('exit', release);
  return { release };
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
