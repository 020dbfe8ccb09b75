import { DvdError } from '../core/errors.js';
import { resolveRev } from '../git/resolveRev.js';
import type { HistoryReader, Revision } from '../pipeline/HistoryReader.js';
import { findExperiment, listExperiments, type ExpEntry } from './listExperiments.js';
import { resolveRevision } from './pointersAtRev.js';

// The one reading of a revision argument, for every command that takes revisions
// (metrics show/diff/check, params diff, plots diff, exp diff); exp apply, branch, remove
// and push take experiments only and look them up with findExperiment, the half used here.
//
// - `workspace` (any case) is the workspace and `HEAD` is Git's HEAD, always: exp run
//   refuses these names, and an experiment that has one anyway is reached by its ref.
// - Anything else is looked up both as a Git revision and as an experiment (its name or
//   full ref). Neither order wins: a name that is both, naming different commits, is
//   refused (EAMBIGUOUS) with the spellings that pick each (refs/heads/X, refs/tags/X,
//   the experiment's ref); two experiments of one name likewise. A branch made on the
//   experiment's own commit (`dvd exp branch good good`) names the same commit: that is
//   the experiment, no ambiguity.

/** Could `arg` be an experiment's name or ref at all? (names: letters, digits, . _ -) */
const mayBeExperiment = (arg: string) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(arg) || arg.startsWith('refs/exps/');

/** What a queued or failed experiment stands for in history views: no results. */
function noResultsOf(e: ExpEntry, label: string): string | undefined {
  if (e.queued || e.record?.status === 'queued') return `${label}: queued, not run`;
  if (e.record?.status === 'failed') return `${label}: failed, no results`;
  return undefined;
}

/**
 * The Revision a revision argument names (see the top of this file), labelled as typed
 * (a full commit hash by its first 12 digits, as `-A` labels commits). A queued or
 * failed experiment comes back with `noResults` set (also in `errors`) and no dvd.lock:
 * its commit holds the baseline's results, which are not its own. Throws EBADREV for a
 * name that is neither (suggesting the closest experiment name), EAMBIGUOUS as above,
 * ENOTGIT without a Git repository.
 */
export async function readRevisionArg(reader: HistoryReader, root: string, gitRoot: string | null, arg: string): Promise<Revision> {
  if (arg.toLowerCase() === 'workspace') return reader.workspace();
  if (!gitRoot) return reader.revision((await resolveRevision(root, arg)).oid, arg);
  let oid: string | null = null;
  let notRev: DvdError | null = null;
  try {
    oid = await resolveRev(gitRoot, arg);
  } catch (err) {
    if (!(err instanceof DvdError && err.code === 'EBADREV')) throw err;
    notRev = err;
  }
  const exps = arg !== 'HEAD' && mayBeExperiment(arg) ? await listExperiments(gitRoot, { named: arg }) : [];
  const label = /^[0-9a-f]{40}$/.test(arg) ? arg.slice(0, 12) : arg;
  if (exps.length === 0) {
    if (oid) return reader.revision(oid, label);
    if (!mayBeExperiment(arg) || arg === 'HEAD') throw notRev!;
    // The closest experiment name, if one is close (findExperiment's suggestion).
    try {
      findExperiment(await listExperiments(gitRoot), arg, { queued: true });
    } catch (err) {
      if (err instanceof DvdError && err.code === 'ENOEXP' && err.message.includes('did you mean')) {
        throw new DvdError('EBADREV', `${notRev!.message}: no Git revision or experiment has that name${err.message.slice(err.message.indexOf(' ('))}`, { hint: notRev!.hint, data: { rev: arg } });
      }
    }
    throw notRev!;
  }
  const e = findExperiment(exps, arg, { queued: true });
  if (oid && oid !== e.commit) {
    throw new DvdError('EAMBIGUOUS', `${arg} is both a Git revision (commit ${oid.slice(0, 12)}) and an experiment (commit ${e.commit.slice(0, 12)})`, {
      hint: `say which: refs/heads/${arg} or refs/tags/${arg} (or a commit hash) for the Git one, ${e.ref} for the experiment`,
    });
  }
  const rev = await reader.revision(e.commit, label);
  const none = noResultsOf(e, label);
  if (none) {
    rev.noResults = none;
    rev.lock = null;
    rev.errors.push(none);
  }
  return rev;
}
