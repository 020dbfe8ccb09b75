import type { RegistryEvent } from '../pipeline/registryState.js';
import { checkRegistryName } from '../pipeline/registryTag.js';
import { isoTime } from './artifactShow.js';
import type { ApiContext } from './context.js';
import { openRegistry, requireArtifact } from './openRegistry.js';

export interface HistoryEntry {
  /** ISO date of the tag. */
  time: string;
  artifact: string;
  event: RegistryEvent['action'];
  /** The version registered, or the one a stage event is about (a commit id when none is registered there). */
  version?: string;
  stage?: string;
  commit: string;
  tag: string;
  by: string;
  message: string;
}

/**
 * `dvd artifact history [NAME]`: every registry event of NAME (or of every artifact),
 * newest first, from one `git for-each-ref`; no tag message is read past its subject.
 */
export async function artifactHistory(ctx: ApiContext, o: { name?: string }): Promise<{ events: HistoryEntry[] }> {
  if (o.name !== undefined) checkRegistryName(o.name, 'artifact name');
  const reg = await openRegistry(ctx);
  const arts = o.name === undefined ? [...reg.artifacts.values()] : [requireArtifact(reg, o.name)];
  const events = arts.flatMap((a) => a.events.map((e, i) => ({ e, i })));
  // Newest first; one artifact's events keep their tie order (see registryState).
  events.sort((x, y) => y.e.time - x.e.time || (x.e.artifact === y.e.artifact ? y.i - x.i : x.e.artifact < y.e.artifact ? -1 : 1));
  return {
    events: events.map(({ e }) => ({
      time: isoTime(e.time), artifact: e.artifact, event: e.action,
      ...(e.version ? { version: e.version } : {}), ...(e.stage ? { stage: e.stage } : {}), commit: e.commit, tag: e.tag, by: e.by, message: e.subject,
    })),
  };
}
