import fs from 'node:fs';
import { DvdError, isErrno, usageError } from '../core/errors.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { withLock } from '../core/lock.js';
import { objectPath } from '../core/objectPath.js';
import { openRemote } from '../remote/openRemote.js';
import { openRepo, type ApiContext } from './context.js';
import { listCacheObjects } from './listCacheObjects.js';
import { scopeIsEmpty, type Scope } from './pointersOfScope.js';
import { referencedObjects } from './referencedObjects.js';

export interface GcOptions extends Scope {
  /** Also clean this remote. */
  remote?: string;
  dryRun?: boolean;
  /** Delete from the remote without asking. */
  force?: boolean;
  /**
   * Asked before deleting from a remote without `force`; resolves true to go ahead.
   * Absent (not a TTY): refuse instead.
   */
  confirm?: (question: { remote: string; url: string; objects: number }) => Promise<boolean>;
}

export interface GcResult {
  dryRun: boolean;
  revisions: number;
  /** Objects the scope keeps. */
  referenced: number;
  cache: { removed: number; bytes: number; kept: number; oids: string[] };
  remote: { name: string; url: string; removed: number; kept: number; oids: string[] } | null;
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

const SHA_KEY_RE = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/;

/**
 * Remove objects that no version in the scope references: from the cache, and with
 * `remote` from that remote too (only with `force` or a confirmation). The workspace's
 * pointers are always in scope, so gc never deletes the data you have checked out.
 */
export async function gc(ctx: ApiContext, o: GcOptions): Promise<GcResult> {
  if (scopeIsEmpty(o)) {
    throw usageError('gc needs a scope: what should it keep?', 'pass -w/--workspace, --all-branches, --all-tags, --all-commits or --rev REV (combinable)');
  }
  const open = openRepo(ctx);
  const { repo } = open;
  const dryRun = o.dryRun ?? false;
  const ref = await referencedObjects(ctx, open, o, o.remote);
  const result: GcResult = { dryRun, revisions: ref.revisions, referenced: ref.oids.size, cache: { removed: 0, bytes: 0, kept: 0, oids: [] }, remote: null };

  // Unreferenced objects that are directory manifests (seen in the cache before deleting
  // them there), so the remote can lose its manifests before their files.
  const garbageManifests = new Set<string>();
  await withLock(repo, 'gc', async () => {
    const garbage = [];
    for (const obj of listCacheObjects(repo.cacheDir)) {
      if (ref.oids.has(obj.oid)) result.cache.kept++;
      else garbage.push(obj);
    }
    for (const g of garbage) {
      if (isManifestObject(objectPath(repo.cacheDir, g.oid))) garbageManifests.add(g.oid);
      if (!dryRun) {
        try {
          fs.unlinkSync(objectPath(repo.cacheDir, g.oid));
        } catch (err) {
          if (!isErrno(err, 'ENOENT')) throw err;
        }
      }
      result.cache.removed++;
      result.cache.bytes += g.size;
      result.cache.oids.push(g.oid);
    }
  });

  if (o.remote !== undefined) {
    const { remote, jobs } = await openRemote(repo.root, open.config, o.remote);
    try {
      const keys: string[] = [];
      const fans = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
      await forEachParallel(fans, jobs, async (fan) => {
        for (const k of await remote.list(`sha256/${fan}/`)) if (SHA_KEY_RE.test(k)) keys.push(k);
      });
      const oidOf = (k: string) => k.replace(SHA_KEY_RE, '$1$2');
      const doomed = keys.filter((k) => !ref.oids.has(oidOf(k)));
      result.remote = { name: remote.name, url: remote.url, removed: doomed.length, kept: keys.length - doomed.length, oids: doomed.map(oidOf).sort() };
      if (!dryRun && doomed.length) {
        if (!o.force) {
          const ok = o.confirm ? await o.confirm({ remote: remote.name, url: remote.url, objects: doomed.length }) : false;
          if (!ok) {
            throw new DvdError('ECONFIRM', `gc: not deleting ${doomed.length} object${doomed.length === 1 ? '' : 's'} from remote ${remote.name} (${remote.url}) without confirmation`, {
              hint: 'check with --dry-run, then pass -f (the local cache was already cleaned)',
            });
          }
        }
        // Manifests go first: a manifest on a remote promises its files are there, so an
        // interrupted gc must not leave one behind without them. Known from the local
        // cache; a manifest only the remote has is deleted with the rest.
        const first = doomed.filter((k) => garbageManifests.has(oidOf(k)));
        const rest = doomed.filter((k) => !garbageManifests.has(oidOf(k)));
        if (first.length) await remote.delete(first);
        await remote.delete(rest);
      }
    } finally {
      remote.close();
    }
  }
  result.cache.oids.sort();
  return result;
}
