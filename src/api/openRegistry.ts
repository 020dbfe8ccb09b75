import type { FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { listTagRecords, type TagRecord } from '../git/listTagRecords.js';
import { buildRegistry, type ArtifactState } from '../pipeline/registryState.js';
import { parseStageList } from '../pipeline/registryTag.js';
import { openRepo, type ApiContext } from './context.js';

export interface OpenRegistry {
  root: string;
  repo: Repo;
  config: FlatConfig;
  tags: TagRecord[];
  /** Artifact name -> state, sorted by name. */
  artifacts: Map<string, ArtifactState>;
  /** `registry.stages`, or null when any stage is allowed. */
  allowedStages: string[] | null;
}

/**
 * The repository around ctx.cwd (opened as every command opens it: in a linked worktree,
 * with the cache, lock and config.local all worktrees share) and its registry, from one
 * `git for-each-ref`.
 */
export async function openRegistry(ctx: ApiContext): Promise<OpenRegistry> {
  const { repo, config } = openRepo(ctx);
  const allowedStages = parseStageList(config.get('registry.stages'));
  const tags = await listTagRecords(repo.root);
  return { root: repo.root, repo, config, tags, artifacts: buildRegistry(tags), allowedStages };
}

/** The artifact's state; ENOARTIFACT (listing the known ones) when it has no tags. */
export function requireArtifact(reg: OpenRegistry, name: string): ArtifactState {
  const a = reg.artifacts.get(name);
  if (a) return a;
  const known = [...reg.artifacts.keys()];
  throw new DvdError('ENOARTIFACT', `no artifact ${JSON.stringify(name)} in the registry (no tags ${name}@... or ${name}#...)`, {
    hint: known.length ? `known: ${known.slice(0, 10).join(', ')}` : `register a version first: dvd artifact register ${name}`,
    data: { name },
  });
}

/** Refuse a stage not in `registry.stages` when that list is set (exit 2, with the list). */
export function checkAllowedStage(reg: OpenRegistry, stage: string): void {
  if (reg.allowedStages === null || reg.allowedStages.includes(stage)) return;
  throw new DvdError('EBADSTAGE', `stage ${JSON.stringify(stage)} is not in registry.stages (${reg.allowedStages.join(', ') || 'empty'})`, {
    exitCode: 2,
    hint: `use one of them, or allow it: dvd config registry.stages "${[...reg.allowedStages, stage].join(', ')}"`,
  });
}
