import { DvdError } from '../core/errors.js';
import { checkRegistryName, formatRegistryTag } from '../pipeline/registryTag.js';
import type { ApiContext } from './context.js';
import { openRegistry, requireArtifact } from './openRegistry.js';
import { writeRegistryTag } from './writeRegistryTag.js';

export interface DeprecateOptions {
  name: string;
  message?: string;
  push?: boolean;
}

export interface DeprecateResult {
  artifact: string;
  tag: string;
  commit: string;
  pushedTo?: string;
}

/**
 * `dvd artifact deprecate`: mark the artifact as no longer in use with `NAME@deprecated`
 * on the commit of its latest event (GTO's choice); when that tag exists from an earlier
 * deprecation, `NAME@deprecated#N`. A later registration makes the artifact active again.
 * Refuses an unknown or already deprecated artifact.
 */
export async function artifactDeprecate(ctx: ApiContext, o: DeprecateOptions): Promise<DeprecateResult> {
  checkRegistryName(o.name, 'artifact name');
  const reg = await openRegistry(ctx);
  const artifact = requireArtifact(reg, o.name);
  if (artifact.deprecated) throw new DvdError('EALREADY', `${o.name} is already deprecated`, { exitCode: 2, hint: 'register a new version to make it active again' });
  const last = artifact.events[artifact.events.length - 1];
  if (!last) throw new DvdError('ENOARTIFACT', `${o.name} has no annotated registry tags to deprecate`);
  const written = await writeRegistryTag(reg.repo, {
    artifact: o.name,
    nameFor: (max, names) => {
      const simple = formatRegistryTag({ artifact: o.name, action: 'deprecate' });
      return names.has(simple) ? formatRegistryTag({ artifact: o.name, action: 'deprecate', counter: max + 1 }) : simple;
    },
    commit: last.commit, message: o.message ?? `Deprecating artifact ${o.name}`, push: o.push,
  });
  return { artifact: o.name, tag: written.tag, commit: last.commit, pushedTo: written.pushedTo };
}
