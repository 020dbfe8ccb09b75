import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { typedRepoPath } from '../core/relPath.js';
import { DVD_DIR } from '../core/repo.js';

export interface ResolvedTarget {
  /** As the user typed it, for messages. */
  arg: string;
  /** Repo-relative POSIX path. */
  rel: string;
  abs: string;
}

/** Turn command-line target arguments into repo paths, refusing ones outside the repo or inside .dvd/ and .git/. */
export function resolveTargets(root: string, cwd: string, args: string[]): ResolvedTarget[] {
  return args.map((arg) => {
    const abs = path.resolve(cwd, arg);
    const rel = typedRepoPath(root, cwd, arg);
    if (rel === '') throw new DvdError('EBADTARGET', `${arg}: cannot track the repository root itself`, { hint: 'track a folder inside it, e.g. `dvd add data`' });
    const first = rel.split('/')[0];
    if (first === DVD_DIR) throw new DvdError('EBADTARGET', `${arg}: inside ${DVD_DIR}/, which dvd manages itself`);
    if (first === '.git') throw new DvdError('EBADTARGET', `${arg}: inside .git/`);
    return { arg, rel, abs };
  });
}
