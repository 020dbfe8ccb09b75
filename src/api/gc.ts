import fs from 'node:fs';
import { DvdError, isErrno, usageError } from '../core/errors.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { withLock } from '../core/lock.js';
import { objectPath } from '../core/objectPath.js';
import { isShallow, UNSHALLOW_HINT } from '../git/shallowCommits.js';
import { remoteNames } from '../remote/openRemote.js';
import { presentOnRemote } from '../remote/presentOnRemote.js';
import type { Remote } from '../remote/Remote.js';
import { openRepo, type ApiContext, type OpenRepo } from './context.js';
import { listCacheObjects } from './listCacheObjects.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { gitRootOf } from './pointersAtRev.js';
import { hasRevisionScope, scopeIsEmpty, type Scope } from './pointersOfScope.js';
import { referencedObjects } from './referencedObjects.js';
import { runCacheUses } from './runCacheUses.js';
import { usersOfObjects, type ObjectUse } from './usersOfObjects.js';

export interface GcOptions extends Scope {
  /** Also clean this remote. */
  remote?: string;
  /** Remote requests in flight; default remote.NAME.jobs, else the backend's. */
  jobs?: number;
  dryRun?: boolean;
  /** Delete without asking, also what exists nowhere else. */
  force?: boolean;
  /**
   * Asked before deleting anything when, without `force`, gc would delete objects that
   * are on no remote or delete from a remote; resolves true to go ahead. Absent (not a
   * TTY): refuse instead. Nothing is deleted before it resolves.
   */
  confirm?: (question: GcQuestion) => Promise<boolean>;
}

/** What gc is about to delete, for the confirmation. */
export interface GcQuestion {
  cache: { objects: number; bytes: number };
  remote: { name: string; url: string; objects: number } | null;
  /** Of the objects gc deletes, how many no remote (other than the one cleaned) holds. */
  onNoRemote: number;
  /**
   * Of the objects gc deletes, how many run-cache entries name (outputs of earlier runs):
   * `dvd repro` would run those stages again instead of restoring them.
   */
  runOutputs: number;
  /** Remotes whose copies could not be checked (their objects count as on no remote). */
  unchecked: { remote: string; error: string }[];
}

export interface GcObject {
  oid: string;
  size: number;
  /** Held by no remote (other than the one cleaned): deleting it loses it. */
  onNoRemote: boolean;
  /** With --dry-run: the first commit whose pointer (or dvd.lock) used it, else the run-cache entry naming it; absent for objects of neither. */
  usedBy?: ObjectUse;
}

export interface GcResult {
  dryRun: boolean;
  revisions: number;
  /** Objects the scope keeps. */
  referenced: number;
  onNoRemote: number;
  /** See GcQuestion. */
  runOutputs: number;
  unchecked: GcQuestion['unchecked'];
  cache: { removed: number; bytes: number; kept: number; oids: string[]; objects: GcObject[] };
  remote: { name: string; url: string; removed: number; kept: number; oids: string[]; objects: Omit<GcObject, 'size'>[] } | null;
  /** With --dry-run: folder manifests of the history not in the cache, whose files cannot be attributed (usedBy then absent). */
  manifestsNotInCache?: number;
}

const MANIFEST_HEADER = Buffer.from('dvd-manifest 1\n');

function isManifestObject(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  try {
    const buf = Buffer.alloc(MANIFEST_HEADER.length);
    return fs.readSync(fd, buf, 0, buf.length, 0) === buf.length && buf.equals(MANIFEST_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A shallow clone cannot see what its missing older commits need, so a history scope
 * would keep too little (and with -r delete other clones' data from the remote).
 */
function refuseShallowHistory(root: string, o: Scope): void {
  if (!hasRevisionScope(o)) return;
  const { gitRoot } = gitRootOf(root);
  if (!isShallow(gitRoot)) return;
  throw new DvdError('ESHALLOW', 'gc: this clone is shallow, so it cannot see what its older commits need; it will not clean by history (--all-commits, --all-branches, --all-tags, --rev) here', {
    hint: `${UNSHALLOW_HINT}, or clean only what the workspace does not use with \`dvd gc -w\``,
  });
}

const SHA_KEY_RE = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;
const oidOfKey = (k: string) => k.replace(SHA_KEY_RE, '$1$2');

interface Plan {
  revisions: number;
  referenced: number;
  cache: { oid: string; size: number }[];
  cacheKept: number;
  remote: { remote: Remote; keys: string[]; kept: number } | null;
  onNoRemote: Set<string>;
  /** Objects the local run cache's entries name, with the entry (runCacheUses). */
  runs: Map<string, ObjectUse>;
  unchecked: GcQuestion['unchecked'];
}

async function listRemoteKeys(remote: Remote, jobs: number): Promise<string[]> {
  const keys: string[] = [];
  const fans = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  await forEachParallel(fans, jobs, async (fan) => {
    for (const k of await remote.list(`sha256/${fan}/`)) if (SHA_KEY_RE.test(k)) keys.push(k);
  });
  return keys;
}

/**
 * Of `oids`, those that no configured remote except `cleaned` holds. A remote that cannot
 * be asked holds nothing, as far as gc can tell: it is reported, never trusted.
 */
async function onNoOtherRemote(
  open: OpenRepo,
  oids: Set<string>,
  o: { cleaned: string | undefined; unchecked: GcQuestion['unchecked']; jobs?: number; warn: (message: string) => void },
): Promise<Set<string>> {
  const left = new Set(oids);
  for (const name of remoteNames(open.config)) {
    if (name === o.cleaned || left.size === 0) continue;
    let opened: ReturnType<typeof openCheckedRemote> | undefined;
    try {
      opened = openCheckedRemote(open.repo.root, open.config, name, { jobs: o.jobs, warn: o.warn });
      const { present } = await presentOnRemote(opened.remote, left, opened.jobs);
      for (const oid of present) left.delete(oid);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      o.unchecked.push({ remote: name, error: err.message });
    } finally {
      opened?.remote.close();
    }
  }
  return left;
}

/** Everything gc would delete, and which of it exists nowhere else. Deletes nothing. */
async function makePlan(ctx: ApiContext, open: OpenRepo, o: GcOptions, remote: { remote: Remote; jobs: number } | null): Promise<Plan> {
  const ref = await referencedObjects(ctx, open, o, o.remote);
  const cache: Plan['cache'] = [];
  let cacheKept = 0;
  for (const obj of listCacheObjects(open.repo.cacheDir)) {
    if (ref.oids.has(obj.oid)) cacheKept++;
    else cache.push(obj);
  }
  let remotePart: Plan['remote'] = null;
  if (remote) {
    const keys = await listRemoteKeys(remote.remote, remote.jobs);
    const doomed = keys.filter((k) => !ref.oids.has(oidOfKey(k)));
    remotePart = { remote: remote.remote, keys: doomed, kept: keys.length - doomed.length };
  }
  const unchecked: GcQuestion['unchecked'] = [];
  const onNoRemote = await onNoOtherRemote(open, doomedOids({ cache, remote: remotePart }), { cleaned: o.remote, unchecked, jobs: o.jobs, warn: (m) => ctx.log.warn(m) });
  for (const u of unchecked) ctx.log.warn(`gc: cannot check remote ${u.remote} for copies (${u.error}); counting its objects as on no remote`);
  const runs = await runCacheUses(open.repo);
  return { revisions: ref.revisions, referenced: ref.oids.size, cache, cacheKept, remote: remotePart, onNoRemote, runs, unchecked };
}

function questionOf(plan: Plan): GcQuestion {
  return {
    cache: { objects: plan.cache.length, bytes: plan.cache.reduce((n, c) => n + c.size, 0) },
    remote: plan.remote && { name: plan.remote.remote.name, url: plan.remote.remote.url, objects: plan.remote.keys.length },
    onNoRemote: plan.onNoRemote.size,
    runOutputs: runOutputsOf(plan),
    unchecked: plan.unchecked,
  };
}

const runOutputsOf = (plan: Pick<Plan, 'cache' | 'remote' | 'runs'>) => [...doomedOids(plan)].filter((oid) => plan.runs.has(oid)).length;

/** One sentence for messages: what gc removes and how much of it is the only copy. */
export function describeGcQuestion(q: GcQuestion, verb = 'gc would remove'): string {
  const n = (k: number) => `${k} object${k === 1 ? '' : 's'}`;
  let s = `${verb} ${n(q.cache.objects)} from the cache`;
  if (q.remote) s += ` and ${n(q.remote.objects)} from remote ${q.remote.name} (${q.remote.url})`;
  if (q.onNoRemote) s += `; ${q.onNoRemote} of them ${q.onNoRemote === 1 ? 'is' : 'are'} on no ${q.remote ? 'other ' : ''}remote, so they could not be restored`;
  if (q.runOutputs) s += `; ${q.runOutputs} of them ${q.runOutputs === 1 ? 'is an output' : 'are outputs'} of earlier runs in the run cache (\`dvd repro\` would run those stages again instead of restoring them)`;
  return s;
}

/** Does deleting this plan need a yes? Only-copies, or anything on a remote. */
const needsYes = (plan: Plan) => plan.onNoRemote.size > 0 || (plan.remote?.keys.length ?? 0) > 0;

/**
 * Remove objects that no version in the scope references: from the cache, and with
 * `remote` from that remote too. The workspace's pointers are always in scope, so gc
 * never deletes the data you have checked out. Without `force`, deleting an object that
 * no remote holds, or anything from a remote, needs `confirm` (else ECONFIRM), and
 * nothing at all is deleted before it answers. The references are computed again under
 * the lock after the question, so nothing that became used meanwhile is deleted.
 */
export async function gc(ctx: ApiContext, o: GcOptions): Promise<GcResult> {
  if (scopeIsEmpty(o)) {
    throw usageError('gc needs a scope: what should it keep?', 'pass -w/--workspace, --all-branches, --all-tags, --all-commits or --rev REV (combinable)');
  }
  const open = openRepo(ctx);
  const { repo } = open;
  refuseShallowHistory(repo.root, o);
  const dryRun = o.dryRun ?? false;
  const opened = o.remote !== undefined ? openCheckedRemote(repo.root, open.config, o.remote, { jobs: o.jobs, warn: (m) => ctx.log.warn(m) }) : null;
  try {
    if (dryRun) {
      const plan = await makePlan(ctx, open, o, opened);
      const users = await usersOfObjects(repo, doomedOids(plan), plan.runs);
      return { ...resultOf(plan, true, users.uses), manifestsNotInCache: users.manifestsNotInCache };
    }
    if (o.force) {
      // No question to wait for: plan and delete under one hold of the lock.
      return await withLock(repo, 'gc', async () => {
        const plan = await makePlan(ctx, open, o, opened);
        await deletePlan(repo.cacheDir, plan);
        return resultOf(plan, false);
      });
    }
    const plan = await makePlan(ctx, open, o, opened);
    if (needsYes(plan)) {
      const q = questionOf(plan);
      if (!o.confirm) {
        const what = q.onNoRemote ? describeGcQuestion(q) : `gc: not deleting ${q.remote!.objects} object${q.remote!.objects === 1 ? '' : 's'} from remote ${q.remote!.name} (${q.remote!.url}) without confirmation`;
        throw new DvdError('ECONFIRM', `${what}; nothing deleted`, {
          hint: 'see what with --dry-run; push what you want to keep (`dvd push --all-commits`), or pass -f to delete without asking',
        });
      }
      if (!(await o.confirm(q))) throw new DvdError('ECONFIRM', 'gc: not confirmed; nothing deleted');
    }
    // The question may have taken minutes: whatever became used since is kept.
    return await withLock(repo, 'gc', async () => {
      const used = (await referencedObjects(ctx, open, o, o.remote)).oids;
      plan.cache = plan.cache.filter((c) => !used.has(c.oid));
      if (plan.remote) plan.remote.keys = plan.remote.keys.filter((k) => !used.has(oidOfKey(k)));
      await deletePlan(repo.cacheDir, plan);
      return resultOf(plan, false);
    });
  } finally {
    opened?.remote.close();
  }
}

const doomedOids = (plan: Pick<Plan, 'cache' | 'remote'>) => new Set([...plan.cache.map((c) => c.oid), ...(plan.remote?.keys.map(oidOfKey) ?? [])]);

/** Delete the plan: cache objects, then the remote's keys with manifests first. */
async function deletePlan(cacheDir: string, plan: Plan): Promise<void> {
  // Unreferenced directory manifests (seen in the cache before deleting them there), so
  // the remote can lose its manifests before their files.
  const manifests = new Set<string>();
  for (const g of plan.cache) {
    const file = objectPath(cacheDir, g.oid);
    if (isManifestObject(file)) manifests.add(g.oid);
    try {
      fs.unlinkSync(file);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  if (!plan.remote || plan.remote.keys.length === 0) return;
  // Manifests go first: a manifest on a remote promises its files are there, so an
  // interrupted gc must not leave one behind without them. Known from the local cache;
  // a manifest only the remote has is deleted with the rest.
  const first = plan.remote.keys.filter((k) => manifests.has(oidOfKey(k)));
  const rest = plan.remote.keys.filter((k) => !manifests.has(oidOfKey(k)));
  if (first.length) await plan.remote.remote.delete(first);
  await plan.remote.remote.delete(rest);
}

function resultOf(plan: Plan, dryRun: boolean, users?: Map<string, ObjectUse>): GcResult {
  const byOid = <T extends { oid: string }>(a: T, b: T) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0);
  const describe = (oid: string) => ({ onNoRemote: plan.onNoRemote.has(oid), ...(users?.has(oid) ? { usedBy: users.get(oid)! } : {}) });
  const cacheObjects = plan.cache.map((c) => ({ oid: c.oid, size: c.size, ...describe(c.oid) })).sort(byOid);
  const remoteObjects = plan.remote ? plan.remote.keys.map((k) => ({ oid: oidOfKey(k), ...describe(oidOfKey(k)) })).sort(byOid) : [];
  return {
    dryRun,
    revisions: plan.revisions,
    referenced: plan.referenced,
    onNoRemote: [...doomedOids(plan)].filter((oid) => plan.onNoRemote.has(oid)).length,
    runOutputs: runOutputsOf(plan),
    unchecked: plan.unchecked,
    cache: { removed: plan.cache.length, bytes: plan.cache.reduce((n, c) => n + c.size, 0), kept: plan.cacheKept, oids: cacheObjects.map((c) => c.oid), objects: cacheObjects },
    remote: plan.remote && {
      name: plan.remote.remote.name,
      url: plan.remote.remote.url,
      removed: plan.remote.keys.length,
      kept: plan.remote.kept,
      oids: remoteObjects.map((c) => c.oid),
      objects: remoteObjects,
    },
  };
}
