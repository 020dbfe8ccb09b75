import { forEachParallel } from '../core/forEachParallel.js';
import { objectKey } from '../core/objectPath.js';
import type { Remote } from './Remote.js';

export interface PresenceStats {
  heads: number;
  listedPrefixes: number;
}

// Which of `oids` the remote already has, without one request per object when the
// remote is large (DVC's habit). Objects fan out over 256 prefixes (`sha256/ab/`), so
// per prefix we either HEAD each of our k oids (k requests) or list the prefix
// (about n/1000 requests for n keys there). n is estimated by listing the busiest
// prefix first: keys spread uniformly over the prefixes, so one sample is enough.
// A no-op push of 100,000 present objects costs ~256 list requests instead of 100,000 HEADs.
export async function presentOnRemote(remote: Remote, oids: Iterable<string>, jobs: number): Promise<{ present: Set<string>; stats: PresenceStats }> {
  const byPrefix = new Map<string, string[]>();
  for (const oid of new Set(oids)) {
    const p = oid.slice(0, 2);
    const list = byPrefix.get(p);
    if (list) list.push(oid);
    else byPrefix.set(p, [oid]);
  }
  const present = new Set<string>();
  const stats: PresenceStats = { heads: 0, listedPrefixes: 0 };
  if (byPrefix.size === 0) return { present, stats };

  const listPrefix = async (p: string, wanted: string[]) => {
    stats.listedPrefixes++;
    const keys = await remote.list(`sha256/${p}/`);
    const have = new Set(keys);
    for (const oid of wanted) if (have.has(objectKey(oid))) present.add(oid);
    return keys.length;
  };
  const headEach = async (wanted: string[]) => {
    await forEachParallel(wanted, jobs, async (oid) => {
      stats.heads++;
      if (await remote.has(objectKey(oid))) present.add(oid);
    });
  };

  const prefixes = [...byPrefix.entries()].sort((a, b) => b[1].length - a[1].length);
  const [firstPrefix, firstWanted] = prefixes[0];
  let perPrefix: number;
  if (firstWanted.length <= 2) {
    // Too few objects to pay for a sample listing: HEAD them all.
    await headEach(prefixes.flatMap(([, w]) => w));
    return { present, stats };
  }
  perPrefix = await listPrefix(firstPrefix, firstWanted);
  const pagesPerPrefix = Math.max(1, Math.ceil(perPrefix / 1000));
  const toHead: string[] = [];
  const toList: [string, string[]][] = [];
  for (const [p, wanted] of prefixes.slice(1)) {
    if (wanted.length > pagesPerPrefix) toList.push([p, wanted]);
    else toHead.push(...wanted);
  }
  await Promise.all([forEachParallel(toList, jobs, ([p, w]) => listPrefix(p, w).then(() => undefined)), headEach(toHead)]);
  return { present, stats };
}
