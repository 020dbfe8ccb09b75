import { DvdError } from '../core/errors.js';
import { checkRegistryName, formatRegistryTag, parseVersionArg } from '../pipeline/registryTag.js';
import type { ApiContext } from './context.js';
import { checkAllowedStage, openRegistry } from './openRegistry.js';
import { resolveArtifactRef } from './resolveArtifactRef.js';
import { writeRegistryTag } from './writeRegistryTag.js';

export interface AssignOptions {
  name: string;
  stage: string;
  /** Default: the latest version. */
  version?: string;
  message?: string;
  /** Assign again a version that is already in the stage (a new event, e.g. to re-trigger CI). */
  force?: boolean;
  push?: boolean;
}

export interface AssignResult {
  artifact: string;
  stage: string;
  version: string;
  tag: string;
  commit: string;
  pushedTo?: string;
}

/**
 * `dvd artifact assign`: put a registered version into a stage with the tag
 * `NAME#STAGE#N` on the version's commit (N = the artifact's highest counter + 1, as
 * GTO counts). Refuses a stage outside `registry.stages` when that is set, an unknown
 * or deregistered version, and a version already in the stage (unless `force`).
 */
export async function artifactAssign(ctx: ApiContext, o: AssignOptions): Promise<AssignResult> {
  checkRegistryName(o.name, 'artifact name');
  checkRegistryName(o.stage, 'stage');
  const version = o.version === undefined ? undefined : parseVersionArg(o.version);
  const reg = await openRegistry(ctx);
  checkAllowedStage(reg, o.stage);
  const { version: v } = resolveArtifactRef(reg, { name: o.name, version });
  if (v.deregistered) throw new DvdError('EDEREGISTERED', `${o.name} ${v.version} was deregistered`, { exitCode: 2, hint: 'assign another version' });
  if (!o.force && v.stages.includes(o.stage)) {
    throw new DvdError('EALREADY', `${o.name} ${v.version} is already in stage ${o.stage}`, { exitCode: 2, hint: 'pass --force to assign it again (a new tag, e.g. to re-run a deployment)' });
  }
  const written = await writeRegistryTag(reg.repo, {
    artifact: o.name, nameFor: (max) => formatRegistryTag({ artifact: o.name, action: 'assign', stage: o.stage, counter: max + 1 }),
    commit: v.commit, message: o.message ?? `Assigning stage ${o.stage} to artifact ${o.name} version ${v.version}`, push: o.push,
  });
  return { artifact: o.name, stage: o.stage, version: v.version, tag: written.tag, commit: v.commit, pushedTo: written.pushedTo };
}
