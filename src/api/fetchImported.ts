import { DvdError } from '../core/errors.js';
import { hasObject } from '../core/objects.js';
import { UserPaths } from '../core/userPaths.js';
import type { Repo } from '../core/repo.js';
import type { TransferFailure } from '../remote/TransferQueue.js';
import type { ApiContext } from './context.js';
import { objectsOfPointers, type PointerSource } from './objectsOfPointers.js';
import { fetchSourceData } from './sourceData.js';
import { importedPointer } from './writeImported.js';

/** Pointers written by `dvd import`: their data lives with the source repository. */
export const isGitImport = (p: PointerSource) => p.pointer.source?.kind === 'git';

export interface FetchImportedResult {
  failed: TransferFailure[];
  complete: string[];
  incomplete: string[];
}

/**
 * Fetch imported targets from their source (DVC's rule for imports): the source
 * repository at the recorded commit, from its cache when it is a local work tree, else
 * its remote. The result must hash to the pointer's oid, or nothing is trusted.
 */
export async function fetchImported(ctx: ApiContext, repo: Repo, pointers: PointerSource[], o: { jobs?: number }): Promise<FetchImportedResult> {
  const paths = new UserPaths(repo.root, ctx.cwd);
  const res: FetchImportedResult = { failed: [], complete: [], incomplete: [] };
  for (const p of pointers) {
    const src = p.pointer.source;
    if (src?.kind !== 'git') continue;
    const needs = await objectsOfPointers(repo, [p], paths);
    const wanted = [...needs.files, ...needs.dirs.flatMap((d) => d.files ?? [d.manifest])];
    if (needs.dirs.every((d) => d.files !== null) && wanted.every((n) => hasObject(repo, n.oid))) {
      res.complete.push(p.pointerFile);
      continue;
    }
    try {
      const data = (await fetchSourceData(ctx, { repo: src.repo, path: src.path, rev: src.commit, jobs: o.jobs, base: repo.root }, repo))!;
      const got = await importedPointer(repo, p.pointer.path, data.type, data.files, src);
      if (got.oid !== p.pointer.oid) {
        throw new DvdError('ECORRUPT', `${src.repo} at ${src.commit.slice(0, 12)} gives ${src.path} as sha256:${got.oid}, but ${paths.show(p.pointerFile)} says sha256:${p.pointer.oid}`, {
          hint: `the pointer was edited, or the source rewrote its history; \`dvd update ${paths.arg(p.pointerFile)}\` takes the source's current data`,
        });
      }
      res.complete.push(p.pointerFile);
    } catch (err) {
      res.failed.push({ item: { oid: p.pointer.oid, size: p.pointer.size, neededBy: `${p.pointerFile} (imported from ${src.repo})` }, error: err as Error });
      res.incomplete.push(p.pointerFile);
    }
  }
  return res;
}
