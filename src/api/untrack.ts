import fs from 'node:fs';
import path from 'node:path';
import { configBool } from '../core/config.js';
import { findPointers } from '../core/findPointers.js';
import { withLock } from '../core/lock.js';
import { StatCache } from '../core/statCache.js';
import { removeFromGitignore } from '../git/removeFromGitignore.js';
import { stageFiles } from '../git/stageFiles.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { openRepo, type ApiContext } from './context.js';

export interface UntrackResult {
  untracked: { target: string; pointerFile: string }[];
  gitFiles: string[];
}

/**
 * Stop tracking targets but keep their data in the workspace as plain, writable files:
 * links into the cache (hardlink/symlink cache types) are replaced by copies first, and
 * only then are the pointer and the .gitignore line removed.
 */
export async function untrack(ctx: ApiContext, opts: { targets: string[] }): Promise<UntrackResult> {
  const { repo, config } = openRepo(ctx);
  const refs = findPointers(repo.root, ctx.cwd, opts.targets);
  return withLock(repo, 'untrack', async () => {
    const res: UntrackResult = { untracked: [], gitFiles: [] };
    for (const ref of refs) {
      const abs = path.join(repo.root, ref.target);
      detachFromCache(abs);
      fs.rmSync(path.join(repo.root, ref.pointerFile));
      const dir = path.posix.dirname(ref.target);
      const dirRel = dir === '.' ? '' : dir;
      removeFromGitignore(repo.root, dirRel, path.posix.basename(ref.target));
      StatCache.remove(repo, ref.target);
      res.untracked.push({ target: ref.target, pointerFile: ref.pointerFile });
      res.gitFiles.push(ref.pointerFile, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);
    }
    res.gitFiles = [...new Set(res.gitFiles)];
    if (configBool(config, 'core.autostage', false) && findGitRoot(repo.root)) await stageFiles(repo.root, res.gitFiles);
    return res;
  });
}

/** Replace symlinks and shared (read-only, multiply linked) files under abs with private copies. */
function detachFromCache(abs: string): void {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(abs)) detachFromCache(path.join(abs, name));
    return;
  }
  const shared = st.isSymbolicLink() || (st.nlink > 1 && (st.mode & 0o222) === 0);
  if (!shared) return;
  const tmp = `${abs}.dvd-untrack-${process.pid}`;
  fs.copyFileSync(abs, tmp); // follows a symlink: copies the object's bytes
  fs.chmodSync(tmp, 0o644);
  fs.renameSync(tmp, abs);
}
