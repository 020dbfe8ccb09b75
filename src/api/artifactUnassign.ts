import { DvdError } from '../core/errors.js';
import { checkRegistryName, formatRegistryTag, parseVersionArg } from '../pipeline/registryTag.js';
import type { AssignOptions, AssignResult } from './artifactAssign.js';
import type { ApiContext } from './context.js';
import { openRegistry, requireArtifact } from './openRegistry.js';
import { resolveArtifactRef } from './resolveArtifactRef.js';
import { writeRegistryTag } from './writeRegistryTag.js';

/** As for assign, without `force`; `version` defaults to the stage's current one. */
export type UnassignOptions = Omit<AssignOptions, 'force'>;

/**
 * `dvd artifact unassign`: take a version out of a stage with the tag `NAME#STAGE!#N` on
 * its commit. The stage then falls back to the version assigned to it before, if that
 * one was never unassigned (GTO's rule). Refuses a version that is not in the stage.
 */
export async function artifactUnassign(ctx: ApiContext, o: UnassignOptions): Promise<AssignResult> {
  checkRegistryName(o.name, 'artifact name');
  checkRegistryName(o.stage, 'stage');
  const version = o.version === undefined ? undefined : parseVersionArg(o.version);
  const reg = await openRegistry(ctx);
  const artifact = requireArtifact(reg, o.name);
  const v = version === undefined ? resolveArtifactRef(reg, { name: o.name, stage: o.stage }).version : resolveArtifactRef(reg, { name: o.name, version }).version;
  if (!v.assigned.includes(o.stage)) {
    const now = artifact.stages.find((s) => s.stage === o.stage);
    throw new DvdError('ENOSTAGE', `${o.name} ${v.version} is not in stage ${o.stage}`, { exitCode: 2, hint: now ? `${o.stage} holds ${now.version.version}` : undefined });
  }
  const written = await writeRegistryTag(reg.repo, {
    artifact: o.name, nameFor: (max) => formatRegistryTag({ artifact: o.name, action: 'unassign', stage: o.stage, counter: max + 1 }),
    commit: v.commit, message: o.message ?? `Unassigning stage ${o.stage} from artifact ${o.name} version ${v.version}`, push: o.push,
  });
  return { artifact: o.name, stage: o.stage, version: v.version, tag: written.tag, commit: v.commit, pushedTo: written.pushedTo };
}
