import type { Lineage } from '../pipeline/lineage.js';
import type { ArtifactState, VersionState } from '../pipeline/registryState.js';
import { parseArtifactRef } from '../pipeline/registryTag.js';
import type { ApiContext } from './context.js';
import { openRegistry, requireArtifact, type OpenRegistry } from './openRegistry.js';
import { resolveArtifactRef } from './resolveArtifactRef.js';

export interface VersionSummary {
  version: string;
  /** false for a commit known only from stage assignments (the version is the commit id). */
  registered: boolean;
  deregistered: boolean;
  commit: string;
  tag?: string;
  /** ISO date of the registration (or first assignment). */
  time: string;
  by: string;
  /** Stages whose current version this is. */
  stages: string[];
}

export interface ArtifactSummary {
  name: string;
  deprecated: boolean;
  latest: string | null;
  /** Stage -> current version, in `registry.stages` order when set, else by name. */
  stages: Record<string, string>;
}

export type ShowResult =
  | { kind: 'registry'; stages: string[]; artifacts: ArtifactSummary[] }
  | { kind: 'artifact'; stages: string[]; artifact: ArtifactSummary; versions: VersionSummary[] }
  | { kind: 'version'; artifact: string; deprecated: boolean; stage?: string; version: VersionSummary; message: string; lineage: Lineage | null; lineageFrom: 'tag' | 'commit' | null; warnings: string[] };

/** Unix seconds as an ISO date without milliseconds. */
export const isoTime = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function versionSummary(v: VersionState): VersionSummary {
  return { version: v.version, registered: v.registered, deregistered: v.deregistered, commit: v.commit, ...(v.tag ? { tag: v.tag } : {}), time: isoTime(v.time), by: v.by, stages: v.stages };
}

function stageOrder(reg: OpenRegistry, arts: ArtifactState[]): string[] {
  const used = [...new Set(arts.flatMap((a) => a.stages.map((s) => s.stage)))].sort();
  return reg.allowedStages ? [...reg.allowedStages, ...used.filter((s) => !reg.allowedStages!.includes(s))] : used;
}

function summary(a: ArtifactState, order: string[]): ArtifactSummary {
  const stages: Record<string, string> = {};
  for (const s of order) {
    const x = a.stages.find((y) => y.stage === s);
    if (x) stages[s] = x.version.version;
  }
  return { name: a.name, deprecated: a.deprecated, latest: a.latest?.version ?? null, stages };
}

/**
 * `dvd artifact show [REF]`: no REF -> every artifact with its latest version and the
 * current version per stage; NAME -> also its versions; NAME@vX.Y.Z or NAME#STAGE ->
 * that version with its tag message and lineage. Reads the tags once (one
 * `git for-each-ref`); only a version's view reads a tag message.
 */
export async function artifactShow(ctx: ApiContext, o: { ref?: string }): Promise<ShowResult> {
  const ref = o.ref === undefined ? undefined : parseArtifactRef(o.ref);
  const reg = await openRegistry(ctx);
  if (!ref) {
    const arts = [...reg.artifacts.values()];
    const order = stageOrder(reg, arts);
    return { kind: 'registry', stages: order, artifacts: arts.map((a) => summary(a, order)) };
  }
  if (ref.version === undefined && ref.stage === undefined && !o.ref!.includes('@')) {
    const a = requireArtifact(reg, ref.name);
    const order = stageOrder(reg, [a]);
    return { kind: 'artifact', stages: order, artifact: summary(a, order), versions: a.versions.map(versionSummary) };
  }
  const r = resolveArtifactRef(reg, ref);
  // Loaded here only: lineage pulls in the YAML, TOML and dvd.yaml modules, which the
  // registry views above never need (start-up is most of `show`'s time; see bench).
  const { versionLineage } = await import('./versionLineage.js');
  const l = await versionLineage(reg, ref.name, r.version);
  return {
    kind: 'version', artifact: ref.name, deprecated: r.artifact.deprecated, ...(r.stage ? { stage: r.stage } : {}), version: versionSummary(r.version),
    message: l.message, lineage: l.lineage, lineageFrom: l.from, warnings: l.warnings,
  };
}
