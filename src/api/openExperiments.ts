import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { requireGitBinary } from '../git/runGit.js';
import { resolveRev } from '../git/resolveRev.js';
import { applyParamSets, parseParamSet, setsByFile, type ParamSet } from '../pipeline/setParams.js';
import { openRepo, type ApiContext, type OpenRepo } from './context.js';

export interface OpenExperiments extends OpenRepo {
  /** The Git work tree root; the dvd root is the same folder. */
  root: string;
}

/**
 * The repository for an `exp` command: a dvd repository at the root of a Git work tree,
 * with the git program (worktrees, temporary indexes and refs need its plumbing).
 */
export function openExperiments(ctx: ApiContext, what: string): OpenExperiments {
  const open = openRepo(ctx);
  requireGitBinary(what);
  const gitRoot = findGitRoot(open.repo.root);
  if (gitRoot !== open.repo.root) {
    throw new DvdError('ENOTGIT', `${what} needs the dvd repository at the root of a Git work tree (${open.repo.root} is ${gitRoot ? `inside ${gitRoot}` : 'not in one'})`);
  }
  return { ...open, root: gitRoot };
}

/** The commit HEAD names: the baseline of a new experiment. */
export async function headCommit(root: string): Promise<string> {
  try {
    return await resolveRev(root, 'HEAD');
  } catch (err) {
    if (err instanceof DvdError && err.code === 'EBADREV') {
      throw new DvdError('ENOCOMMIT', 'experiments start from a commit, and this repository has none yet', { hint: 'commit dvd.yaml, params and code first (git add -A && git commit)' });
    }
    throw err;
  }
}

/**
 * The params files' new texts after `-S` arguments, read from the workspace; refuses
 * (before anything runs or is written) a malformed argument, a missing file or a key the
 * file does not have.
 */
export function paramTexts(root: string, args: string[]): { sets: ParamSet[]; texts: Record<string, string> } {
  const sets = args.map(parseParamSet);
  const texts: Record<string, string> = {};
  for (const [file, group] of setsByFile(sets)) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new DvdError('EUSAGE', `-S ${group[0].text}: no params file ${file}`, { exitCode: 2, hint: 'name the file: -S FILE:KEY=VALUE' });
    }
    texts[file] = applyParamSets(text, file, group);
  }
  return { sets, texts };
}
