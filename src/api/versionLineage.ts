import { DvdError } from '../core/errors.js';
import { readTagMessage } from '../git/readTagMessage.js';
import { parseLineage, splitTagMessage, type Lineage } from '../pipeline/lineage.js';
import { loadPipelineAtRev } from '../pipeline/loadPipelineAtRev.js';
import type { VersionState } from '../pipeline/registryState.js';
import { artifactLineage } from './artifactLineage.js';
import type { OpenRegistry } from './openRegistry.js';

export interface VersionLineage {
  /** The registering tag's message without the lineage document ('' for a discovered version). */
  message: string;
  lineage: Lineage | null;
  /** 'tag': recorded at registration; 'commit': worked out now from the commit (a tag made by GTO or by hand). */
  from: 'tag' | 'commit' | null;
  warnings: string[];
}

/**
 * A version's lineage: the one its tag records, else the one its commit gives now (the
 * artifact's path from dvd.yaml's `artifacts:` at that commit). null (with a warning)
 * when neither says where the artifact is.
 */
export async function versionLineage(reg: OpenRegistry, name: string, v: VersionState): Promise<VersionLineage> {
  const warnings: string[] = [];
  const raw = v.tag ? await readTagMessage(reg.root, v.tag) : null;
  const { text, lineage: doc } = raw === null ? { text: '', lineage: null } : splitTagMessage(raw);
  if (doc !== null) {
    try {
      return { message: text, lineage: parseLineage(doc, `tag ${v.tag}`), from: 'tag', warnings };
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      warnings.push(`${err.message}; working it out from the commit instead`);
    }
  }
  const label = v.tag ?? v.commit.slice(0, 12);
  const pipeline = await loadPipelineAtRev(reg.root, v.commit, label);
  const declared = pipeline?.artifacts.find((a) => a.name === name);
  if (!declared) {
    warnings.push(`no lineage: ${v.tag ? `tag ${v.tag} records none` : 'no registering tag'}, and dvd.yaml at ${v.commit.slice(0, 12)} does not declare artifact ${name}`);
    return { message: text, lineage: null, from: null, warnings };
  }
  const r = await artifactLineage({ git: reg.root, cacheDir: reg.repo.cacheDir, commit: v.commit, rev: label, artifact: name, path: declared.path, pipeline });
  return { message: text, lineage: r.lineage, from: 'commit', warnings: [...warnings, ...r.warnings] };
}
