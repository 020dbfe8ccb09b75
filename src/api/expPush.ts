import { DvdError, usageError } from '../core/errors.js';
import { listRemoteRefs, pushRefs } from '../git/remoteRefs.js';
import { parseExpRef } from '../pipeline/expRecord.js';
import type { ApiContext } from './context.js';
import { planTransfer } from './expTransferConflicts.js';
import { findExperiment, listExperiments, type ExpEntry } from './listExperiments.js';
import { openExperiments } from './openExperiments.js';
import { pointersOfScope } from './pointersOfScope.js';
import { push, type PushResult } from './push.js';

/** What `exp push` and `exp pull` take. */
export interface ExpTransferOptions {
  /** A Git remote name or URL. */
  gitRemote: string;
  names?: string[];
  /** push: every finished experiment; pull: every experiment the Git remote has. */
  all?: boolean;
  /** dvd remote for the data (default core.remote). */
  remote?: string;
  /** Move the refs only. */
  noData?: boolean;
  jobs?: number;
  /** Replace experiments of the same names on the receiving side (else EEXISTS). */
  force?: boolean;
}

export interface ExpPushResult {
  pushed: { name: string; ref: string; commit: string }[];
  /** On the Git remote already with the same commit: nothing moved. */
  unchanged: { name: string; ref: string; commit: string }[];
  /** Refs of the pushed names under other baselines, deleted from the Git remote (force). */
  dropped: { name: string; ref: string; commit: string }[];
  /** The data push (null with noData). */
  data: PushResult | null;
}

/**
 * `dvd exp push GIT_REMOTE NAME...`: the experiments' data (the cached outputs each
 * commit's dvd.lock records, and .dvd pointers) to the dvd remote first, then their
 * refs to the Git remote, so a ref a teammate can fetch promises its data is there.
 * The refs keep their names (refs/exps/...): `git ls-remote REMOTE 'refs/exps/*'` lists
 * them. Queued experiments stay local. An experiment of the same name on the Git remote
 * with another commit (also on another baseline) is refused before anything moves
 * (EEXISTS, see planTransfer) unless `force`; one with the same commit is left as is.
 */
export async function expPush(ctx: ApiContext, o: ExpTransferOptions): Promise<ExpPushResult> {
  const { root } = openExperiments(ctx, 'dvd exp push');
  const all = await listExperiments(root);
  if (!o.all && !(o.names ?? []).length) throw usageError('name the experiments to push (or --all)');
  const picked: ExpEntry[] = o.all ? all.filter((e) => !e.queued) : (o.names ?? []).map((n) => findExperiment(all, n, { queued: true }));
  const queued = picked.filter((e) => e.queued);
  if (queued.length) throw new DvdError('EQUEUED', `${queued.map((e) => e.name).join(', ')}: queued, not run yet; nothing to push`, { hint: 'dvd exp run --run-all first' });
  const onRemote = listRemoteRefs(root, o.gitRemote, 'refs/exps/*').flatMap((r) => {
    const p = parseExpRef(r.name);
    return p ? [{ name: p.name, ref: r.name, commit: r.oid }] : [];
  });
  const plan = planTransfer(picked.map((e) => ({ name: e.name, ref: e.ref, commit: e.commit })), onRemote, { force: o.force, verb: 'push', from: 'here', to: `on ${o.gitRemote}` });
  let data: PushResult | null = null;
  if (!o.noData && picked.length) {
    const { pointers } = await pointersOfScope(root, { rev: picked.map((e) => e.commit) });
    data = await push(ctx, { pointers, remote: o.remote, jobs: o.jobs, runCache: false });
    if (data.failed.length) {
      throw new DvdError('EPUSH', `${data.failed.length} object${data.failed.length === 1 ? '' : 's'} of the experiments could not be pushed; their refs were not pushed`, { hint: 'run dvd exp push again' });
    }
  }
  const refspecs = [...plan.move.map((e) => `${o.force ? '+' : ''}${e.ref}:${e.ref}`), ...plan.drop.map((e) => `:${e.ref}`)];
  if (refspecs.length) pushRefs(root, o.gitRemote, refspecs);
  return { pushed: plan.move, unchanged: plan.same, dropped: plan.drop, data };
}
