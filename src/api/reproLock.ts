import { acquireLock } from '../core/lock.js';
import type { Repo } from '../core/repo.js';

/** Repro's lock wait: other processes hold the lock only to commit a stage; wait them out. */
const LOCK_WAIT_MS = Number(process.env.DVD_LOCK_WAIT_MS ?? 120_000);

/** Run fn holding the repository lock, waiting up to 120 s (`DVD_LOCK_WAIT_MS`) for it. */
export async function withReproLock<T>(repo: Repo, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(repo, 'repro', LOCK_WAIT_MS);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * An in-process mutex: stages of one repro commit one at a time. The repository lock
 * cannot do that here: it is re-entrant within a process (core/lock.ts), so a second
 * stage's acquisition would pass straight through while the first one's commit (an await
 * away from its dvd.lock rewrite) is still going.
 */
export function serialize(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}
