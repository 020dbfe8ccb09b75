import { DvdError } from '../core/errors.js';
import { runGit } from '../git/runGit.js';
import { updateRef } from '../git/updateRef.js';
import type { ApiContext } from './context.js';
import { findExperiment, listExperiments } from './listExperiments.js';
import { openExperiments } from './openExperiments.js';

/**
 * `dvd exp branch NAME BRANCH`: a new branch on the experiment's commit (its parent is
 * the baseline, so the branch reads as one commit on top of it). Refuses an existing
 * branch, a name Git refuses, and queued or failed experiments.
 */
export async function expBranch(ctx: ApiContext, o: { name: string; branch: string }): Promise<{ name: string; branch: string; commit: string }> {
  const { root } = openExperiments(ctx, 'dvd exp branch');
  const e = findExperiment(await listExperiments(root), o.name, { queued: true });
  if (e.queued) throw new DvdError('EQUEUED', `experiment ${e.name} is queued and has no results yet`, { hint: 'run it: dvd exp run --run-all' });
  if (e.record?.status === 'failed') throw new DvdError('EFAILED', `experiment ${e.name} failed; it has no results to branch from`, { hint: e.record.error });
  if (runGit(root, ['check-ref-format', '--branch', o.branch], { allowFail: true }).status !== 0) {
    throw new DvdError('EUSAGE', `${JSON.stringify(o.branch)} is not a valid branch name`, { exitCode: 2 });
  }
  if (runGit(root, ['show-ref', '--verify', '--quiet', `refs/heads/${o.branch}`], { allowFail: true }).status === 0) {
    throw new DvdError('EEXISTS', `branch ${o.branch} exists already`, { hint: 'choose another name' });
  }
  updateRef(root, `refs/heads/${o.branch}`, e.commit, { create: true, message: `dvd exp branch ${e.name}` });
  return { name: e.name, branch: o.branch, commit: e.commit };
}
