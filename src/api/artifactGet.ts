import { DvdError } from '../core/errors.js';
import { parseArtifactRef } from '../pipeline/registryTag.js';
import type { ApiContext } from './context.js';
import { findTrackedAtRev } from './findTrackedAtRev.js';
import { get, type GetResult } from './get.js';
import { openRegistry } from './openRegistry.js';
import { resolveArtifactRef } from './resolveArtifactRef.js';
import { versionLineage } from './versionLineage.js';

export interface ArtifactGetOptions {
  /** NAME (latest), NAME@vX.Y.Z, NAME@latest or NAME#STAGE. */
  ref: string;
  out?: string;
  /** Remote to download from when the cache lacks the data (default core.remote at that commit). */
  remote?: string;
  jobs?: number;
}

export interface ArtifactGetResult extends GetResult {
  artifact: string;
  version: string;
  stage?: string;
  tag?: string;
}

/**
 * `dvd artifact get REF [-o OUT]`: the artifact's data at the version REF names, written
 * to OUT (default: the artifact's file or folder name) through `dvd get` on this
 * repository at that version's commit: objects come from the cache, else the remote,
 * and are verified by hash. When the tag records lineage, the data at the commit must
 * have the recorded oid (EBADLINEAGE otherwise: the tag was edited or moved).
 */
export async function artifactGet(ctx: ApiContext, o: ArtifactGetOptions): Promise<ArtifactGetResult> {
  const ref = parseArtifactRef(o.ref);
  const reg = await openRegistry(ctx);
  const r = resolveArtifactRef(reg, ref);
  if (r.artifact.deprecated) ctx.log.warn(`${ref.name} is deprecated`);
  if (r.version.deregistered) ctx.log.warn(`${ref.name} ${r.version.version} was deregistered`);
  const l = await versionLineage(reg, ref.name, r.version);
  for (const w of l.warnings) ctx.log.warn(w);
  if (!l.lineage) {
    throw new DvdError('ENOTARTIFACT', `cannot tell where ${ref.name} ${r.version.version} is: its tag records no lineage and dvd.yaml at ${r.version.commit.slice(0, 12)} does not declare it`, {
      hint: `get the file by path: dvd get . PATH --rev ${r.version.tag ?? r.version.commit}`,
    });
  }
  const { lineage } = l;
  if (l.from === 'tag') {
    const moved = (what: string) => new DvdError('EBADLINEAGE', `${r.version.tag}: ${what}`, { hint: `the tag was moved or its message edited; check with git show ${r.version.tag}` });
    if (lineage.commit !== r.version.commit) throw moved(`records commit ${lineage.commit.slice(0, 12)} but names ${r.version.commit.slice(0, 12)}`);
    const now = await findTrackedAtRev(reg.root, r.version.commit, r.version.tag!, lineage.path);
    if (now.ref && now.ref.target === lineage.path && now.ref.pointer.oid !== lineage.oid) {
      throw moved(`records ${lineage.path} as sha256:${lineage.oid}, but its commit tracks sha256:${now.ref.pointer.oid}`);
    }
  }
  const got = await get(ctx, { repo: reg.root, path: lineage.path, rev: r.version.commit, out: o.out, remote: o.remote, jobs: o.jobs });
  return { ...got, artifact: ref.name, version: r.version.version, ...(r.stage ? { stage: r.stage } : {}), ...(r.version.tag ? { tag: r.version.tag } : {}) };
}
