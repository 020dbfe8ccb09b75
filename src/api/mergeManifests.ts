import type { ManifestEntry } from '../core/manifest.js';

export interface ManifestMerge {
  entries: ManifestEntry[];
  /** Paths both sides changed differently (edited twice, or edited on one side and deleted on the other). */
  conflicts: { path: string; ours: ManifestEntry | null; theirs: ManifestEntry | null; base: ManifestEntry | null }[];
}

const same = (x: ManifestEntry | null | undefined, y: ManifestEntry | null | undefined) =>
  (x ?? null) === null ? (y ?? null) === null : !!y && x!.oid === y.oid && x!.exec === y.exec;

/**
 * Three-way merge of directory manifests, file by file: a side that left a file as the
 * base had it takes the other side's version; both sides making the same change agree;
 * anything else is a conflict and is reported, never picked.
 */
export function mergeManifests(base: ManifestEntry[], ours: ManifestEntry[], theirs: ManifestEntry[]): ManifestMerge {
  const o = new Map(base.map((e) => [e.path, e]));
  const a = new Map(ours.map((e) => [e.path, e]));
  const b = new Map(theirs.map((e) => [e.path, e]));
  const paths = new Set([...o.keys(), ...a.keys(), ...b.keys()]);
  const entries: ManifestEntry[] = [];
  const conflicts: ManifestMerge['conflicts'] = [];
  for (const p of paths) {
    const eo = o.get(p) ?? null;
    const ea = a.get(p) ?? null;
    const eb = b.get(p) ?? null;
    let pick: ManifestEntry | null;
    if (same(ea, eb)) pick = ea;
    else if (same(eo, ea)) pick = eb;
    else if (same(eo, eb)) pick = ea;
    else {
      conflicts.push({ path: p, ours: ea, theirs: eb, base: eo });
      continue;
    }
    if (pick) entries.push(pick);
  }
  // A file on one side where the other side made a folder of the same name ("x" and "x/y").
  const names = new Set(entries.map((e) => e.path));
  for (const e of entries) {
    for (let i = e.path.indexOf('/'); i !== -1; i = e.path.indexOf('/', i + 1)) {
      const dir = e.path.slice(0, i);
      if (names.has(dir)) conflicts.push({ path: dir, ours: a.get(dir) ?? null, theirs: b.get(dir) ?? null, base: o.get(dir) ?? null });
    }
  }
  return { entries, conflicts };
}
