import { DvdError } from '../core/errors.js';
import { withLock } from '../core/lock.js';
import { hasObject, missingObject } from '../core/objects.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { TransferQueue, transferFailuresError } from '../remote/TransferQueue.js';
import type { ApiContext, OpenRepo } from './context.js';
import { downloadInto } from './fetch.js';
import type { PointerSource } from './objectsOfPointers.js';

/**
 * Make sure the manifest of every directory pointer is in the local cache, downloading
 * the missing ones (only the manifests, not the files) from `remote` or the default
 * remote. Inspecting history (`diff`, `ls`) needs what a directory held, not its data.
 */
export async function ensureManifests(ctx: ApiContext, open: OpenRepo, pointers: PointerSource[], remoteName?: string): Promise<number> {
  const { repo, config } = open;
  const missing = new Map<string, string>();
  for (const { pointer, pointerFile } of pointers) {
    if (pointer.type === 'dir' && !missing.has(pointer.oid) && !hasObject(repo, pointer.oid)) missing.set(pointer.oid, pointerFile);
  }
  if (missing.size === 0) return 0;
  if (!remoteName && !config.get('core.remote')) {
    const [oid, neededBy] = missing.entries().next().value as [string, string];
    throw new DvdError('ENOOBJECT', missingObject(oid, neededBy).message, {
      data: { oid, neededBy },
      hint: `${missing.size} directory manifest${missing.size === 1 ? ' is' : 's are'} not in the cache and no default remote is set: ` +
        'run `dvd fetch --rev REV` for that revision, or set a remote with `dvd remote add -d NAME URL`',
    });
  }
  const { remote, jobs } = openCheckedRemote(repo.root, config, remoteName, { warn: (m) => ctx.log.warn(m) });
  try {
    // Writing into the cache goes through .dvd/tmp, which the lock holder owns.
    return await withLock(repo, 'fetch manifests', async () => {
      const queue = new TransferQueue({ jobs, transfer: downloadInto(repo, remote) });
      for (const [oid, neededBy] of missing) queue.add({ oid, size: 0, neededBy });
      const r = await queue.run();
      if (r.failed.length) throw transferFailuresError('fetch manifests', r.failed, remote.name);
      return r.done.length;
    });
  } finally {
    remote.close();
  }
}
