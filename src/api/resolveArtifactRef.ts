import { DvdError } from '../core/errors.js';
import type { ArtifactState, VersionState } from '../pipeline/registryState.js';
import type { ArtifactRef } from '../pipeline/registryTag.js';
import { requireArtifact, type OpenRegistry } from './openRegistry.js';

export interface ResolvedRef {
  artifact: ArtifactState;
  version: VersionState;
  /** Set for NAME#STAGE. */
  stage?: string;
}

const listOf = (a: ArtifactState) => a.versions.filter((v) => v.registered).map((v) => v.version).slice(0, 10).join(', ') || 'none';

/**
 * The version a reference names: NAME -> the latest, NAME@vX.Y.Z -> that one (also when
 * deregistered), NAME#STAGE -> the stage's current version. Throws ENOVERSION / ENOSTAGE
 * with what exists.
 */
export function resolveArtifactRef(reg: OpenRegistry, ref: ArtifactRef): ResolvedRef {
  const artifact = requireArtifact(reg, ref.name);
  if (ref.stage !== undefined) {
    const s = artifact.stages.find((x) => x.stage === ref.stage);
    if (!s) {
      throw new DvdError('ENOSTAGE', `${ref.name} has no version in stage ${ref.stage}`, {
        hint: artifact.stages.length ? `stages now: ${artifact.stages.map((x) => `${x.stage} (${x.version.version})`).join(', ')}` : `assign one: dvd artifact assign ${ref.name} --stage ${ref.stage} --version vX.Y.Z`,
      });
    }
    return { artifact, version: s.version, stage: ref.stage };
  }
  if (ref.version !== undefined) {
    const v = artifact.versions.find((x) => x.registered && x.version === ref.version);
    if (!v) throw new DvdError('ENOVERSION', `${ref.name} has no version ${ref.version}`, { hint: `registered: ${listOf(artifact)}` });
    return { artifact, version: v };
  }
  if (!artifact.latest) throw new DvdError('ENOVERSION', `${ref.name} has no registered version`, { hint: `dvd artifact register ${ref.name}` });
  return { artifact, version: artifact.latest };
}
