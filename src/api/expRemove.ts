import { usageError } from '../core/errors.js';
import { deleteRef } from '../git/updateRef.js';
import type { ApiContext } from './context.js';
import { findExperiment, listExperiments, type ExpEntry } from './listExperiments.js';
import { openExperiments } from './openExperiments.js';

export interface ExpRemoveOptions {
  names?: string[];
  /** Every queued experiment. */
  queue?: boolean;
  /** Every experiment, of every baseline, and the queue. */
  all?: boolean;
}

/**
 * `dvd exp remove NAME...`: delete experiments' refs (their commits go with Git's next
 * gc; their cached outputs with `dvd gc` once nothing else names them). Every name is
 * checked before anything is removed.
 */
export async function expRemove(ctx: ApiContext, o: ExpRemoveOptions): Promise<{ removed: { name: string; ref: string }[] }> {
  const { root } = openExperiments(ctx, 'dvd exp remove');
  const all = await listExperiments(root);
  if (!o.all && !o.queue && !(o.names ?? []).length) throw usageError('name the experiments to remove (or --queue, or --all)');
  const picked = new Map<string, ExpEntry>();
  for (const n of o.names ?? []) {
    const e = findExperiment(all, n, { queued: true });
    picked.set(e.ref, e);
  }
  for (const e of all) if (o.all || (o.queue && e.queued)) picked.set(e.ref, e);
  for (const e of picked.values()) deleteRef(root, e.ref);
  return { removed: [...picked.values()].map((e) => ({ name: e.name, ref: e.ref })) };
}
