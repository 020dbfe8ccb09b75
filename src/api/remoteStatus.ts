import { findPointers } from '../core/findPointers.js';
import { hasObject } from '../core/objects.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { presentOnRemote } from '../remote/presentOnRemote.js';
import { openRepo, type ApiContext } from './context.js';
import { objectsOfPointers, type NeededObject, type PointerSource } from './objectsOfPointers.js';
import { gitTrackedLookup } from './gitFiles.js';

export interface PointerRemoteStatus {
  pointerFile: string;
  /** In the cache, not on the remote: `dvd push` sends these. */
  notPushed: number;
  /** On the remote, not in the cache: `dvd fetch` brings these. */
  notFetched: number;
  /** Neither in the cache nor on the remote: lost unless another remote or clone has them. */
  missing: number;
  /** Objects of the pointer the remote has (each object once, as in the other counts). */
  onRemote: number;
  /** A directory whose manifest is on neither side: its file list is unknown. */
  unknownFiles?: boolean;
}

export interface RemoteStatusResult {
  remote: string;
  url: string;
  pointers: PointerRemoteStatus[];
  /** Pointers left out because they cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/** For `dvd status --remote [NAME]`: per pointer, what is not pushed and what is missing everywhere. */
export async function remoteStatus(ctx: ApiContext, o: { targets?: string[]; remote?: string; jobs?: number; pointers?: PointerSource[] } = {}): Promise<RemoteStatusResult> {
  const { repo, config } = openRepo(ctx);
  const { refs: pointers, problems }: { refs: PointerSource[]; problems: PointerProblem[] } = o.pointers
    ? { refs: o.pointers, problems: [] }
    : findPointers(repo.root, ctx.cwd, o.targets ?? [], { gitTracked: gitTrackedLookup(repo.root) });
  const { remote, jobs } = openCheckedRemote(repo.root, config, o.remote, { jobs: o.jobs, warn: (m) => ctx.log.warn(m) });
  try {
    const needs = await objectsOfPointers(repo, pointers);
    const manifests = await presentOnRemote(remote, needs.dirs.map((d) => d.manifest.oid), jobs);
    // A manifest on the remote means the whole directory is there (it goes up last).
    const toCheck: NeededObject[] = [...needs.files];
    for (const d of needs.dirs) if (!manifests.present.has(d.manifest.oid) && d.files) toCheck.push(...d.files);
    const { present } = await presentOnRemote(remote, toCheck.map((n) => n.oid), jobs);

    const byPointer = new Map<string, PointerRemoteStatus>();
    // Each object once per pointer: a folder may hold the same content under many names.
    const counted = new Map<PointerRemoteStatus, Set<string>>();
    const entry = (pointerFile: string) => {
      let s = byPointer.get(pointerFile);
      if (!s) byPointer.set(pointerFile, (s = { pointerFile, notPushed: 0, notFetched: 0, missing: 0, onRemote: 0 }));
      return s;
    };
    const count = (s: PointerRemoteStatus, oid: string, remoteHas: boolean) => {
      let seen = counted.get(s);
      if (!seen) counted.set(s, (seen = new Set()));
      if (seen.has(oid)) return;
      seen.add(oid);
      const local = hasObject(repo, oid);
      if (remoteHas) {
        s.onRemote++;
        if (!local) s.notFetched++;
      } else if (local) s.notPushed++;
      else s.missing++;
    };
    for (const n of needs.files) count(entry(n.neededBy), n.oid, present.has(n.oid));
    for (const d of needs.dirs) {
      const s = entry(d.manifest.neededBy);
      const complete = manifests.present.has(d.manifest.oid);
      count(s, d.manifest.oid, complete);
      if (d.files === null) {
        if (!complete) s.unknownFiles = true;
        continue;
      }
      for (const n of d.files) count(s, n.oid, complete || present.has(n.oid));
    }
    return { remote: remote.name, url: remote.url, pointers: [...byPointer.values()], problems };
  } finally {
    remote.close();
  }
}
