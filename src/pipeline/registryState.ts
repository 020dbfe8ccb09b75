import type { TagRecord } from '../git/listTagRecords.js';
import { compareVersions, parseRegistryTag, type TagAction } from './registryTag.js';

// The registry's state folded from its tags, GTO's semantics (gto/base.py, tag.py):
// - events are ordered by tagger date. Dates have one-second resolution, so ties are
//   broken by the `#N` counter (which counts up per artifact), registrations first and
//   deprecation last: a script that registers, assigns and deprecates within one second
//   reads in the order it ran;
// - an assignment names a commit; its version is the one registered at that commit (a
//   commit with none is a version of its own, named by the commit, as GTO "discovers" it);
// - a stage's current version is the one whose latest assignment is the most recent and
//   not undone by an unassignment, among versions not deregistered;
// - the latest version is the greatest registered one by semver precedence;
// - an artifact is deprecated while its most recent event is a deprecation.
// Lightweight tags are skipped, as GTO skips them (a registry event has a tagger and a date).

export interface RegistryEvent {
  tag: string;
  action: TagAction;
  artifact: string;
  /** For (un)assignments: the version at the tag's commit (see VersionState.version). */
  version?: string;
  stage?: string;
  counter?: number;
  commit: string;
  /** Tagger date, Unix seconds. */
  time: number;
  by: string;
  subject: string;
}

export interface VersionState {
  /** `vX.Y.Z...`, or the full commit id for a version known only from assignments. */
  version: string;
  registered: boolean;
  deregistered: boolean;
  commit: string;
  /** The tag that registered it (absent for a discovered version). */
  tag?: string;
  time: number;
  by: string;
  subject: string;
  /** Stages whose current version this is, by name. */
  stages: string[];
  /** Stages where its latest event is an assignment (it becomes current again if a newer one is unassigned). */
  assigned: string[];
}

export interface StageState {
  stage: string;
  version: VersionState;
  /** The assignment tag in force. */
  tag: string;
  time: number;
}

export interface ArtifactState {
  name: string;
  deprecated: boolean;
  /** Registered versions by semver precedence, greatest first, then discovered ones, newest first. */
  versions: VersionState[];
  /** Greatest registered version that is not deregistered. */
  latest: VersionState | null;
  /** Current version per stage, by stage name. */
  stages: StageState[];
  /** Every event, oldest first. */
  events: RegistryEvent[];
}

/** The highest `#N` over every tag of `artifact` (0 when none): GTO counts every tag name, lightweight ones too. */
export function maxCounterOf(tagNames: Iterable<string>, artifact: string): number {
  let max = 0;
  for (const name of tagNames) {
    const p = parseRegistryTag(name);
    if (p?.artifact === artifact && p.counter !== undefined && p.counter > max) max = p.counter;
  }
  return max;
}

/** Tie order within one second: registrations, then by counter, deprecation last. */
function tieRank(e: RegistryEvent): number {
  if (e.action === 'deprecate') return e.counter ?? Number.MAX_SAFE_INTEGER;
  if (e.counter !== undefined) return e.counter;
  return e.action === 'create' ? -3 : e.action === 'register' ? -2 : e.action === 'deregister' ? -1 : 0;
}

function byTime(a: RegistryEvent, b: RegistryEvent): number {
  return a.time - b.time || tieRank(a) - tieRank(b) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

/**
 * Fold tags (as listTagRecords gives them) into every artifact's state, by artifact name.
 * An artifact with no annotated registry tag (only lightweight ones) is not listed.
 */
export function buildRegistry(tags: TagRecord[]): Map<string, ArtifactState> {
  const events = new Map<string, RegistryEvent[]>();
  for (const t of tags) {
    const p = parseRegistryTag(t.name);
    if (!p || !t.annotated || t.commit === null) continue;
    let list = events.get(p.artifact);
    if (!list) events.set(p.artifact, (list = []));
    list.push({ tag: t.name, ...p, commit: t.commit, time: t.time, by: t.by, subject: t.subject });
  }
  const out = new Map<string, ArtifactState>();
  for (const name of [...events.keys()].sort()) out.set(name, foldArtifact(name, events.get(name)!.sort(byTime)));
  return out;
}

function foldArtifact(name: string, events: RegistryEvent[]): ArtifactState {
  const versions = new Map<string, VersionState>();
  const registeredAt = new Map<string, VersionState[]>();
  for (const e of events) {
    if (e.action !== 'register' || versions.has(e.version!)) continue;
    const v: VersionState = { version: e.version!, registered: true, deregistered: false, commit: e.commit, tag: e.tag, time: e.time, by: e.by, subject: e.subject, stages: [], assigned: [] };
    versions.set(v.version, v);
    registeredAt.set(e.commit, [...(registeredAt.get(e.commit) ?? []), v]);
  }
  /** The version an assignment at `commit` is about: the greatest registered there, else the commit itself. */
  const versionAt = (e: RegistryEvent): VersionState => {
    const there = registeredAt.get(e.commit);
    if (there) return there.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a));
    let v = versions.get(e.commit);
    if (!v) versions.set(e.commit, (v = { version: e.commit, registered: false, deregistered: false, commit: e.commit, time: e.time, by: e.by, subject: e.subject, stages: [], assigned: [] }));
    return v;
  };
  // stage -> version -> the last event about that pair, with its position in time.
  const assignments = new Map<string, Map<VersionState, { e: RegistryEvent; at: number }>>();
  events.forEach((e, at) => {
    // A later registration of a deregistered version (`NAME@v1.0.0#5`) makes it active again.
    if (e.action === 'register') versions.get(e.version!)!.deregistered = false;
    else if (e.action === 'deregister') {
      const v = versions.get(e.version!);
      if (v) v.deregistered = true;
    } else if (e.action === 'assign' || e.action === 'unassign') {
      let m = assignments.get(e.stage!);
      if (!m) assignments.set(e.stage!, (m = new Map()));
      const v = versionAt(e);
      e.version = v.version;
      m.set(v, { e, at });
    }
  });
  const stages: StageState[] = [];
  for (const stage of [...assignments.keys()].sort()) {
    let best: { v: VersionState; e: RegistryEvent; at: number } | null = null;
    for (const [v, { e, at }] of assignments.get(stage)!) {
      if (e.action !== 'assign') continue;
      v.assigned.push(stage);
      if (!v.deregistered && (best === null || at > best.at)) best = { v, e, at };
    }
    if (best) {
      best.v.stages.push(stage);
      stages.push({ stage, version: best.v, tag: best.e.tag, time: best.e.time });
    }
  }
  const all = [...versions.values()];
  const registered = all.filter((v) => v.registered).sort((a, b) => compareVersions(b.version, a.version));
  const discovered = all.filter((v) => !v.registered).sort((a, b) => b.time - a.time);
  return {
    name,
    deprecated: events.length > 0 && events[events.length - 1].action === 'deprecate',
    versions: [...registered, ...discovered],
    latest: registered.find((v) => !v.deregistered) ?? null,
    stages,
    events,
  };
}
