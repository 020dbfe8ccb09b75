import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { entryAtPath } from '../git/entryAtPath.js';
import { readBlobBytes, readCommitInfo } from '../git/readGitObject.js';
import { NO_OID, treeChanges, workTreeOids, type TreeChange } from '../git/treeChanges.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { checkout, type CheckoutResult } from './checkout.js';
import type { ApiContext } from './context.js';
import { findExperiment, listExperiments } from './listExperiments.js';
import { headCommit, openExperiments } from './openExperiments.js';

export interface ExpApplyOptions {
  name: string;
  /** Overwrite uncommitted changes to the files the experiment changed (and outputs not in the cache). */
  force?: boolean;
}

export interface ExpApplyResult {
  name: string;
  commit: string;
  /** Files written (or deleted) from the experiment's commit. */
  files: string[];
  checkout: CheckoutResult;
}

/**
 * `dvd exp apply NAME`: put an experiment's results into the workspace, to commit them:
 * every file the experiment's commit changed against HEAD (params, dvd.lock, committed
 * metrics and plots, code) is written as the experiment has it, then `dvd checkout`
 * brings its cached outputs from the cache. Nothing is committed, no branch moves.
 * Refused, before anything is written, when one of those files has uncommitted changes
 * that neither the experiment nor another experiment of this baseline recorded (`force`
 * overwrites them), and for queued or failed
 * experiments (a failure is not a result; `force` applies its params anyway).
 */
export async function expApply(ctx: ApiContext, o: ExpApplyOptions): Promise<ExpApplyResult> {
  const { root } = openExperiments(ctx, 'dvd exp apply');
  const all = await listExperiments(root);
  const e = findExperiment(all, o.name, { queued: true });
  if (e.queued) throw new DvdError('EQUEUED', `experiment ${e.name} is queued and has no results yet`, { hint: 'run it: dvd exp run --run-all' });
  if (e.record?.status === 'failed' && !o.force) {
    throw new DvdError('EFAILED', `experiment ${e.name} failed (${e.record.error ?? 'no error recorded'}); it has no results to apply`, { hint: 'dvd exp apply -f puts its params and code into the workspace anyway' });
  }
  const head = await headCommit(root);
  const changes = treeChanges(root, head, e.commit).filter((c) => c.newMode !== '160000');
  const now = workTreeOids(root, changes.map((c) => c.path));
  // Content some experiment of this baseline recorded is not unsaved work: after
  // `exp run a; exp run b`, the workspace holds b's results and `exp apply a` may replace them.
  const recorded = async (c: TreeChange) => {
    for (const x of all) {
      if (x.baseline !== head || x.queued) continue;
      const entry = await entryAtPath(root, (await readCommitInfo(root, x.commit)).tree, c.path);
      if (entry?.oid === now.get(c.path)) return true;
    }
    return false;
  };
  const dirty: TreeChange[] = [];
  for (const c of changes) if (now.get(c.path) !== c.oldOid && now.get(c.path) !== c.newOid && !(await recorded(c))) dirty.push(c);
  if (dirty.length && !o.force) {
    throw new DvdError('EDIRTY', `${dirty.length} file${dirty.length === 1 ? '' : 's'} the experiment changes ${dirty.length === 1 ? 'has' : 'have'} uncommitted changes: ${dirty.slice(0, 10).map((c) => c.path).join(', ')}${dirty.length > 10 ? ', ...' : ''}`, {
      hint: 'commit or stash them first, or overwrite them with dvd exp apply -f',
    });
  }
  for (const c of changes) {
    const abs = path.join(root, c.path);
    if (c.newOid === NO_OID) {
      fs.rmSync(abs, { force: true });
      continue;
    }
    const bytes = await readBlobBytes(root, c.newOid);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (c.newMode === '120000') {
      fs.rmSync(abs, { force: true });
      fs.symlinkSync(bytes.toString('utf8'), abs);
    } else {
      writeFileAtomic(abs, bytes);
      fs.chmodSync(abs, (c.newMode === '100755' ? 0o777 : 0o666) & ~process.umask());
    }
  }
  const co = await checkout(ctx, { force: o.force });
  return { name: e.name, commit: e.commit, files: changes.map((c) => c.path), checkout: co };
}
