import { DvdError, usageError } from '../core/errors.js';
import { fetchRefs, listRemoteRefs } from '../git/remoteRefs.js';
import { deleteRef } from '../git/updateRef.js';
import { parseExpRef } from '../pipeline/expRecord.js';
import type { ApiContext } from './context.js';
import { fetch, type FetchResult } from './fetch.js';
import type { ExpTransferOptions } from './expPush.js';
import { planTransfer } from './expTransferConflicts.js';
import { listExperiments } from './listExperiments.js';
import { openExperiments } from './openExperiments.js';
import { pointersOfScope } from './pointersOfScope.js';

export interface ExpPullResult {
  pulled: { name: string; ref: string; commit: string }[];
  /** Here already with the same commit: nothing moved. */
  unchanged: { name: string; ref: string; commit: string }[];
  /** Local refs of the pulled names under other baselines (or queued), deleted (force). */
  dropped: { name: string; ref: string; commit: string }[];
  data: FetchResult | null;
}

/**
 * `dvd exp pull GIT_REMOTE NAME...`: fetch experiments' refs (refs/exps/..., as they are
 * named there) from the Git remote, then their data from the dvd remote into the cache,
 * so `exp show`, `exp apply` and `metrics show` work on them. A name the remote does not
 * have is an error before anything is fetched, and so is one that would replace a local
 * experiment of that name with another commit (EEXISTS, see planTransfer) unless `force`.
 */
export async function expPull(ctx: ApiContext, o: ExpTransferOptions): Promise<ExpPullResult> {
  const { root } = openExperiments(ctx, 'dvd exp pull');
  if (!o.all && !(o.names ?? []).length) throw usageError('name the experiments to pull (or --all)');
  const remote = listRemoteRefs(root, o.gitRemote, 'refs/exps/*').filter((r) => {
    const p = parseExpRef(r.name);
    return p !== null && p.baseline !== null;
  });
  const picked = o.all ? remote : [];
  for (const n of o.names ?? []) {
    const hits = remote.filter((r) => r.name === n || parseExpRef(r.name)!.name === n);
    if (hits.length === 0) throw new DvdError('ENOEXP', `${o.gitRemote} has no experiment ${n}`, { hint: `git ls-remote ${o.gitRemote} 'refs/exps/*' lists what it has` });
    picked.push(...hits);
  }
  const incoming = picked.map((r) => ({ name: parseExpRef(r.name)!.name, ref: r.name, commit: r.oid }));
  const local = (await listExperiments(root)).map((e) => ({ name: e.name, ref: e.ref, commit: e.commit }));
  const plan = planTransfer(incoming, local, { force: o.force, verb: 'pull', from: `on ${o.gitRemote}`, to: 'here' });
  if (plan.move.length) fetchRefs(root, o.gitRemote, plan.move.map((r) => `${o.force ? '+' : ''}${r.ref}:${r.ref}`));
  for (const d of plan.drop) deleteRef(root, d.ref);
  let data: FetchResult | null = null;
  if (!o.noData && incoming.length) {
    const { pointers } = await pointersOfScope(root, { rev: incoming.map((p) => p.commit) });
    data = await fetch(ctx, { pointers, remote: o.remote, jobs: o.jobs, runCache: false });
  }
  return { pulled: plan.move, unchanged: plan.same, dropped: plan.drop, data };
}
