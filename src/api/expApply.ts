import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { entryAtPath } from '../git/entryAtPath.js';
import { readBlobBytes, readCommitInfo } from '../git/readGitObject.js';
import { NO_OID, treeChanges, workTreeOids } from '../git/treeChanges.js';
import { trackedChanges, untrackedFiles } from '../git/workTreeChanges.js';
import { checkout, type CheckoutResult } from './checkout.js';
import type { ApiContext } from './context.js';
import { pipelineFiles } from './expSnapshot.js';
import { findExperiment, listExperiments, type ExpEntry } from './listExperiments.js';
import { headCommit, openExperiments } from './openExperiments.js';

export interface ExpApplyOptions {
  name: string;
  /**
   * Overwrite uncommitted changes no experiment recorded (to the files the experiment
   * changes, and to params, metrics and plots files), take the experiment's version of
   * files HEAD changed too since an older baseline, and overwrite outputs not in the cache.
   */
  force?: boolean;
}

export interface ExpApplyResult {
  name: string;
  commit: string;
  /** The experiment's baseline (its parent commit). */
  baseline: string;
  /** False when the experiment was run from another commit than HEAD: only its own changes were applied. */
  baselineIsHead: boolean;
  /** Files written (or deleted): the experiment's changes and the files restored to HEAD. */
  files: string[];
  /** Of `files`, those set back to HEAD's version because another experiment had left them. */
  restored: string[];
  checkout: CheckoutResult;
}

/** A file's version in a commit: blob oid and mode, NO_OID when the commit has none. */
interface Version {
  oid: string;
  mode: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const listed = (paths: string[]) => `${paths.slice(0, 10).join(', ')}${paths.length > 10 ? ', ...' : ''}`;

/**
 * `dvd exp apply NAME`: make the workspace hold the experiment's results, to commit them.
 * For each file: the experiment's version when the experiment changed it against its
 * baseline (its parent commit); else HEAD's version when the workspace differs from HEAD
 * only by what some experiment left there (after `exp run a; exp run b`, `apply a` must
 * not keep b's params and metrics where a left them as HEAD has them); else untouched.
 * Then `dvd checkout` brings the cached outputs dvd.lock names. Nothing is committed, no
 * branch moves.
 *
 * Refused, before anything is written (`force` overrides):
 * - EDIRTY: uncommitted content that no experiment recorded in a file the experiment
 *   changes, or in dvd.yaml, dvd.lock, a params file or a `cache: false` output (else the
 *   workspace would not show the experiment's params and metrics);
 * - EBASELINE: the experiment's baseline is not HEAD and HEAD changed one of the files
 *   the experiment changes, differently, since that baseline (only the experiment's
 *   own delta is applied, so newer commits are never reverted);
 * - queued experiments (always), failed ones (a failure is not a result; `force`
 *   applies its params and code anyway).
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
  const baseline = (await readCommitInfo(root, e.commit)).parents[0] ?? e.baseline;
  const treeOf = async (commit: string) => (await readCommitInfo(root, commit)).tree;
  const headTree = await treeOf(head);
  const atHead = async (p: string): Promise<Version> => {
    const entry = await entryAtPath(root, headTree, p);
    return entry && entry.type === 'blob' ? { oid: entry.oid, mode: entry.mode } : { oid: NO_OID, mode: '000000' };
  };

  // The experiment's own changes, against its baseline.
  const delta = new Map(treeChanges(root, baseline, e.commit).filter((c) => c.newMode !== '160000').map((c) => [c.path, c]));
  const conflicts: string[] = [];
  if (baseline !== head) {
    const since = new Map(treeChanges(root, baseline, head).map((c) => [c.path, c]));
    for (const [p, c] of delta) if (since.has(p) && since.get(p)!.newOid !== c.newOid) conflicts.push(p);
  }

  // Content some experiment recorded is not unsaved work: it is kept in that commit.
  const results = all.filter((x) => !x.queued);
  const trees = new Map<ExpEntry, string>();
  for (const x of results) trees.set(x, await treeOf(x.commit));
  const recorded = async (p: string, oid: string) => {
    for (const x of results) if ((await entryAtPath(root, trees.get(x)!, p))?.oid === oid) return true;
    return false;
  };

  // What an experiment's params and metrics are read from: an edit there is never left
  // alone silently. Untracked files count only there (un-added data is not hashed).
  const guarded = pipelineFiles(root, ['dvd.yaml', 'dvd.lock']);
  const others = [...new Set([...trackedChanges(root), ...untrackedFiles(root).filter(guarded)])].filter((p) => !delta.has(p));
  const now = workTreeOids(root, [...delta.keys(), ...others]);
  const dirty: string[] = [];
  const restore = new Map<string, Version>();
  for (const [p, c] of delta) {
    const w = now.get(p)!;
    if (w !== c.newOid && w !== (await atHead(p)).oid && !(await recorded(p, w))) dirty.push(p);
  }
  for (const p of others) {
    const h = await atHead(p);
    const w = now.get(p)!;
    if (w === h.oid) continue;
    // A file HEAD lacks is deleted only when the pipeline writes it: a file that an
    // experiment made by an older dvd took in (.env) stays.
    if (h.oid === NO_OID && !guarded(p)) continue;
    if (await recorded(p, w)) restore.set(p, h);
    else if (guarded(p)) {
      dirty.push(p);
      restore.set(p, h);
    }
  }
  if (conflicts.length && !o.force) {
    throw new DvdError('EBASELINE', `experiment ${e.name} was run from baseline ${baseline.slice(0, 7)}, not HEAD, and HEAD has changed since then ${plural(conflicts.length, 'file', 'files')} it changes too: ${listed(conflicts)}`, {
      hint: `dvd exp apply -f takes the experiment's version; to merge instead: dvd exp branch ${e.name} BRANCH && git merge BRANCH`,
    });
  }
  if (dirty.length && !o.force) {
    throw new DvdError('EDIRTY', `${plural(dirty.length, 'file', 'files')} the experiment changes ${dirty.length === 1 ? 'has' : 'have'} uncommitted changes: ${listed(dirty.sort())}`, {
      hint: 'commit or stash them first, or overwrite them with dvd exp apply -f',
    });
  }
  for (const [p, c] of delta) await writeVersion(root, p, { oid: c.newOid, mode: c.newMode });
  for (const [p, v] of restore) await writeVersion(root, p, v);
  const co = await checkout(ctx, { force: o.force });
  return { name: e.name, commit: e.commit, baseline, baselineIsHead: baseline === head, files: [...delta.keys(), ...restore.keys()].sort(), restored: [...restore.keys()].sort(), checkout: co };
}

/** Put `v` at repo path `p` (delete it for NO_OID), with its mode. */
async function writeVersion(root: string, p: string, v: Version): Promise<void> {
  const abs = path.join(root, p);
  if (v.oid === NO_OID) {
    fs.rmSync(abs, { force: true });
    return;
  }
  const bytes = await readBlobBytes(root, v.oid);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  if (v.mode === '120000') {
    fs.rmSync(abs, { force: true });
    fs.symlinkSync(bytes.toString('utf8'), abs);
  } else {
    writeFileAtomic(abs, bytes);
    fs.chmodSync(abs, (v.mode === '100755' ? 0o777 : 0o666) & ~process.umask());
  }
}
