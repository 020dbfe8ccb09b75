import { DvdError, usageError } from '../core/errors.js';
import { typedRepoPath } from '../core/relPath.js';
import { resolveRev } from '../git/resolveRev.js';
import { lineageMessage, type Lineage } from '../pipeline/lineage.js';
import { loadPipelineAtRev } from '../pipeline/loadPipelineAtRev.js';
import { bumpVersion, checkRegistryName, compareVersions, formatRegistryTag, parseVersionArg } from '../pipeline/registryTag.js';
import { artifactLineage } from './artifactLineage.js';
import type { ApiContext } from './context.js';
import { openRegistry } from './openRegistry.js';
import { writeRegistryTag } from './writeRegistryTag.js';

export interface RegisterOptions {
  name: string;
  /** `vX.Y.Z[-pre]` (a leading `v` may be left out). */
  version?: string;
  bump?: 'major' | 'minor' | 'patch';
  /** Commit to register (default HEAD). */
  rev?: string;
  message?: string;
  /** Repo-relative path, for an artifact dvd.yaml does not declare (a plain `dvd add`-ed file). */
  path?: string;
  /** Allow a version not greater than the latest, or a second version of one commit. */
  force?: boolean;
  push?: boolean;
}

export interface RegisterResult {
  artifact: string;
  version: string;
  tag: string;
  commit: string;
  lineage: Lineage;
  pushedTo?: string;
  warnings: string[];
}

/**
 * `dvd artifact register`: tag commit REV as version NAME@vX.Y.Z with its lineage in the
 * message. The artifact's path comes from dvd.yaml's `artifacts:` at REV, or `path`.
 * Every check runs before the tag is written: a name that cannot be a tag component,
 * a path dvd does not track at REV, a version that is not semver, exists, or is not
 * greater than the greatest registered one (unless `force`), a commit already registered
 * (unless `force`). Without a version: the latest bumped by `bump` (default patch), or
 * v0.0.1 for the first, as GTO does.
 */
export async function artifactRegister(ctx: ApiContext, o: RegisterOptions): Promise<RegisterResult> {
  checkRegistryName(o.name, 'artifact name');
  if (o.version !== undefined && o.bump) throw usageError('give --version or one --bump-* option, not both');
  const explicit = o.version === undefined ? undefined : parseVersionArg(o.version);
  const reg = await openRegistry(ctx);
  const rev = o.rev ?? 'HEAD';
  const commit = await resolveRev(reg.root, rev);

  const pipeline = await loadPipelineAtRev(reg.root, commit, rev);
  const declared = pipeline?.artifacts.find((a) => a.name === o.name);
  let artifactPath = declared?.path;
  if (o.path !== undefined) {
    // Read as every command reads a typed path: outside the repository is EOUTSIDE, "" a usage error.
    const p = typedRepoPath(reg.root, ctx.cwd, o.path);
    if (p === '') throw usageError(`--path ${o.path}: names the repository root, not an artifact in it`);
    if (declared && declared.path !== p) {
      throw usageError(`--path ${p} differs from dvd.yaml, which declares artifact ${o.name} at ${declared.path} (at ${rev})`, 'leave out --path, or rename one of them');
    }
    artifactPath = p;
  }
  if (artifactPath === undefined) {
    throw new DvdError('ENOTARTIFACT', `${o.name} is not declared in dvd.yaml's artifacts: at ${rev}, and no --path was given`, {
      exitCode: 2,
      hint: `declare it (artifacts:\n  ${o.name}: {path: PATH}) and commit, or pass --path PATH for a dvd add-ed file`,
    });
  }
  const { lineage, warnings } = await artifactLineage({
    git: reg.root, cacheDir: reg.repo.cacheDir, commit, rev, artifact: o.name, path: artifactPath, pipeline,
  });

  const art = reg.artifacts.get(o.name);
  const registered = art?.versions.filter((v) => v.registered) ?? [];
  const greatest = registered[0];
  let version: string;
  if (explicit) version = explicit;
  else if (greatest) version = bumpVersion(greatest.version, o.bump ?? 'patch');
  else if (o.bump) throw usageError(`${o.name} has no version to bump yet`, `register the first one with --version, e.g. --version v0.1.0`);
  else version = 'v0.0.1';
  const same = registered.find((v) => compareVersions(v.version, version) === 0);
  if (same) {
    throw new DvdError('EVERSIONEXISTS', `${o.name} ${version} is already registered (tag ${same.tag}, commit ${same.commit.slice(0, 12)})`, {
      exitCode: 2,
      hint: `pick another version; the greatest is ${greatest!.version}`,
    });
  }
  if (!o.force && greatest && compareVersions(version, greatest.version) < 0) {
    throw new DvdError('EVERSIONORDER', `${version} is not greater than ${o.name}'s latest version ${greatest.version}`, {
      exitCode: 2,
      hint: `use --version ${bumpVersion(greatest.version, 'patch')} (or --bump-minor/--bump-major), or --force to register an older line (a backport)`,
    });
  }
  const atCommit = registered.find((v) => v.commit === commit && !v.deregistered);
  if (!o.force && atCommit) {
    throw new DvdError('EVERSIONEXISTS', `commit ${commit.slice(0, 12)} is already registered as ${o.name} ${atCommit.version}`, {
      exitCode: 2,
      hint: 'commit the new artifact first, or pass --force to give this commit a second version',
    });
  }

  const text = o.message ?? `Registering artifact ${o.name} version ${version}`;
  const written = await writeRegistryTag(reg.repo, {
    artifact: o.name, nameFor: () => formatRegistryTag({ artifact: o.name, action: 'register', version }), commit, message: lineageMessage(text, lineage), push: o.push,
  });
  return { artifact: o.name, version, tag: written.tag, commit, lineage, pushedTo: written.pushedTo, warnings };
}
