import type { GitRepo } from '../git/gitHandle.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { DVD_LOCK, parseLock, type LockFile } from './lockFile.js';

/** dvd.lock of commit `commit` (empty when it has none); errors name `label:dvd.lock`. */
export async function readLockAtRev(repo: GitRepo, commit: string, label: string): Promise<LockFile> {
  const text = await readFileAtRev(repo, commit, DVD_LOCK);
  return text === null ? new Map() : parseLock(text.toString('utf8'), `${label}:${DVD_LOCK}`);
}
