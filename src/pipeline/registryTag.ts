// Only the semver functions used: the package's index loads ~50 modules (ranges,
// comparators), 50-150 ms of start-up here against ~15 ms for these four.
import semverCoerce from 'semver/functions/coerce.js';
import semverCompare from 'semver/functions/compare.js';
import semverInc from 'semver/functions/inc.js';
import semverParse from 'semver/functions/parse.js';
import { DvdError, usageError } from '../core/errors.js';

// The registry's Git tag names, in GTO's format so tags made by GTO (or by hand with
// `git tag -a`) read, and tags made by dvd read in GTO (gto/constants.py, tag.py):
//   NAME@vX.Y.Z[#N]        register a version        NAME@vX.Y.Z![#N]  deregister it
//   NAME#STAGE#N           assign a stage            NAME#STAGE!#N     unassign it
//   NAME@deprecated[#N]    deprecate the artifact    NAME@created[#N]  (read, no effect)
// Older GTO forms read too: assignments without a counter (`NAME#STAGE`, GTO < 0.2 and
// `--simple`), registrations with one (`NAME@vX.Y.Z#N`), and DVC's `path/to=NAME` names
// (an artifact of `path/to/dvc.yaml`, read as `path/to:NAME`). GTO 0.0.x's `#STAGE-N`
// reads as a stage named `STAGE-N`, as current GTO reads it.

/** A name or stage: letters, digits, '-', '_', '/', starting and ending with a letter or digit (GTO's `name`). */
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9_/-]*[A-Za-z0-9])?';
export const REGISTRY_NAME_RE = new RegExp(`^${NAME}$`);
const TAG_RE = new RegExp(
  `^(?<artifact>(?:[A-Za-z0-9_./-]+=)?${NAME})` +
    `(?:(?:#(?<stage>${NAME})|@(?<version>v[0-9A-Za-z.+-]+))(?<cancel>!?)|@(?<special>deprecated|created))` +
    '(?:#(?<counter>[0-9]+))?$',
);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface RegistryTag {
  /** Artifact name (`dir:name` for DVC's `dir=name` form). */
  artifact: string;
  action: TagAction;
  /** `vX.Y.Z...` for register/deregister. */
  version?: string;
  stage?: string;
  /** The `#N` suffix: counts up per artifact over all its tags. */
  counter?: number;
}

/** True when `s` is a semantic version written canonically (no leading zeros, no spaces; build metadata allowed). */
function isSemver(s: string): boolean {
  const p = semverParse(s);
  return p !== null && `${p.version}${p.build.length ? `+${p.build.join('.')}` : ''}` === s;
}

/** True when `v` (with its leading `v`) is a strict semantic version: `v1.2.3`, `v1.0.0-rc.1`. */
export function isTagVersion(v: string): boolean {
  return v.startsWith('v') && isSemver(v.slice(1));
}

/** The tag's meaning, or null when it is not a registry tag (a release tag `v1.0`, a typo). */
export function parseRegistryTag(name: string): RegistryTag | null {
  const m = TAG_RE.exec(name);
  if (!m?.groups) return null;
  const g = m.groups;
  const artifact = g.artifact.replace('=', ':');
  const counter = g.counter === undefined ? undefined : Number(g.counter);
  const cancel = g.cancel === '!';
  if (g.version !== undefined) {
    if (!isTagVersion(g.version)) return null;
    return { artifact, action: cancel ? 'deregister' : 'register', version: g.version, counter };
  }
  if (g.stage !== undefined) return { artifact, action: cancel ? 'unassign' : 'assign', stage: g.stage, counter };
  return { artifact, action: g.special === 'deprecated' ? 'deprecate' : 'create', counter };
}

/** The tag name for `t` (the inverse of parseRegistryTag). */
export function formatRegistryTag(t: RegistryTag): string {
  const name = t.artifact.replace(':', '=');
  const n = t.counter === undefined ? '' : `#${t.counter}`;
  switch (t.action) {
    case 'register':
      return `${name}@${t.version}${n}`;
    case 'deregister':
      return `${name}@${t.version}!${n}`;
    case 'assign':
      return `${name}#${t.stage}${n}`;
    case 'unassign':
      return `${name}#${t.stage}!${n}`;
    case 'deprecate':
      return `${name}@deprecated${n}`;
    case 'create':
      return `${name}@created${n}`;
  }
}

const NAME_RULE = "letters, digits, '-', '_' and '/', starting and ending with a letter or digit (GTO's rule, so the tag reads in GTO too)";

function suggestName(s: string): string {
  return s.replace(/[^A-Za-z0-9_/-]+/g, '-').replace(/\/{2,}/g, '/').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * Refuse an artifact or stage name that cannot be one component of a registry tag
 * (exit 2, with a corrected name as the hint). `what` is "artifact name" or "stage".
 */
export function checkRegistryName(s: string, what: 'artifact name' | 'stage'): void {
  if (REGISTRY_NAME_RE.test(s) && !s.includes('//')) return;
  const fixed = suggestName(s);
  throw new DvdError('EBADNAME', `${what} ${JSON.stringify(s)} cannot be part of a registry tag: use ${NAME_RULE}`, {
    exitCode: 2,
    hint: fixed ? `for example ${JSON.stringify(fixed)}${what === 'artifact name' ? ' (rename it in dvd.yaml\'s artifacts: too)' : ''}` : undefined,
    data: { name: s },
  });
}

/**
 * A version as typed (`v1.2.0`, `1.2.0`, `v2.0.0-rc.1`) in tag form (`v1.2.0`). Throws
 * EBADVERSION (exit 2) for anything that is not a full semantic version, with the fix.
 */
export function parseVersionArg(v: string): string {
  const body = v.startsWith('v') ? v.slice(1) : v;
  if (isSemver(body)) return `v${body}`;
  const coerced = semverCoerce(body)?.version;
  throw new DvdError('EBADVERSION', `version ${JSON.stringify(v)} is not a semantic version (vMAJOR.MINOR.PATCH, optionally -pre.release)`, {
    exitCode: 2,
    hint: coerced ? `for example v${coerced}` : 'for example v1.0.0 or v1.1.0-rc.1',
  });
}

/** `a` compared with `b` by semantic-version precedence (both in tag form): <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  return semverCompare(a.slice(1), b.slice(1));
}

/** `latest` bumped by one part, in tag form (`v1.2.3` + minor -> `v1.3.0`; a pre-release bumps to its release). */
export function bumpVersion(latest: string, part: 'major' | 'minor' | 'patch'): string {
  return `v${semverInc(latest.slice(1), part)}`;
}

/** What `NAME`, `NAME@v1.2.0`, `NAME@latest` or `NAME#prod` asks for. */
export interface ArtifactRef {
  name: string;
  version?: string;
  stage?: string;
}

/** Parse an artifact reference as typed on the command line (exit 2 on a bad one). */
export function parseArtifactRef(s: string): ArtifactRef {
  const hash = s.indexOf('#');
  const at = s.lastIndexOf('@');
  let ref: ArtifactRef;
  if (hash !== -1) ref = { name: s.slice(0, hash), stage: s.slice(hash + 1) };
  else if (at !== -1) {
    const v = s.slice(at + 1);
    ref = { name: s.slice(0, at), version: v === 'latest' || v === 'greatest' ? undefined : parseVersionArg(v) };
  } else ref = { name: s };
  if (!REGISTRY_NAME_RE.test(ref.name.replace(/^[A-Za-z0-9_./-]+:/, ''))) {
    throw usageError(`bad artifact reference ${JSON.stringify(s)}`, 'use NAME, NAME@vX.Y.Z, NAME@latest or NAME#STAGE');
  }
  if (ref.stage !== undefined) checkRegistryName(ref.stage, 'stage');
  return ref;
}

/**
 * The stages `registry.stages` allows (`staging, prod` or `staging prod`), or null when
 * the key is unset. Throws EBADNAME naming the key for a stage that cannot be a tag part.
 */
export function parseStageList(value: string | undefined, key = 'registry.stages'): string[] | null {
  if (value === undefined) return null;
  const stages = value.split(/[\s,]+/).filter(Boolean);
  for (const s of stages) {
    try {
      checkRegistryName(s, 'stage');
    } catch (err) {
      throw new DvdError('ECONFIG', `config ${key}: ${(err as DvdError).message}`, { exitCode: 2, hint: (err as DvdError).hint });
    }
  }
  return stages;
}
