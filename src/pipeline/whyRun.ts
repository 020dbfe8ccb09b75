import type { LockEntry, LockedPath } from './lockFile.js';
import type { ManifestEntry } from '../core/manifest.js';
import { countChanges, type PathState } from './pathState.js';
import type { Reason } from './reasons.js';
import type { ParamValue, Stage } from './stage.js';

/** What is on disk for a stage's paths now (null: absent), and read access to old manifests. */
export interface Observed {
  deps: Map<string, PathState | null>;
  outs: Map<string, PathState | null>;
  /** The manifest of a folder oid from the lock, when the cache has it (for "3 files"). */
  manifest?: (oid: string) => ManifestEntry[] | null;
}

export interface Verdict {
  /** True when the stage must run (or be restored from the run cache). Frozen stages never run. */
  run: boolean;
  reasons: Reason[];
}

/** Canonical text of a params value for comparison (keys sorted at every level). */
export function canonicalValue(v: ParamValue | undefined): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

const sameState = (a: LockedPath, b: PathState) => a.oid === b.oid;

/**
 * Does this stage run, and why. Pure: it compares the stage (resolved, with params values
 * read), its dvd.lock entry and what is on disk, and lists every difference, in the
 * contract's order ("When a stage runs"): no entry; cmd; deps added, removed, changed;
 * tracked params; outputs missing or changed; always_changed. `frozen` stages report
 * their differences but never run. A missing dep is listed too (repro refuses to run the
 * stage then).
 */
export function whyRun(stage: Stage, entry: LockEntry | undefined, observed: Observed): Verdict {
  const reasons: Reason[] = [];
  for (const d of stage.deps) if (observed.deps.get(d) == null) reasons.push({ kind: 'dep-missing', path: d });
  if (!entry) {
    reasons.unshift({ kind: 'never-ran' });
  } else {
    if (entry.cmd.length !== stage.cmd.length || entry.cmd.some((c, i) => c !== stage.cmd[i])) reasons.push({ kind: 'cmd', old: entry.cmd, new: stage.cmd });
    const lockedDeps = new Map(entry.deps.map((d) => [d.path, d]));
    for (const d of stage.deps) {
      const was = lockedDeps.get(d);
      const now = observed.deps.get(d);
      if (!was) reasons.push({ kind: 'dep-added', path: d });
      else if (now && !sameState(was, now)) reasons.push({ kind: 'dep-modified', path: d, ...changesOf(was, now, observed) });
    }
    for (const d of entry.deps) if (!stage.deps.includes(d.path)) reasons.push({ kind: 'dep-removed', path: d.path });
    reasons.push(...paramReasons(stage, entry));
    const lockedOuts = new Map(entry.outs.map((o) => [o.path, o]));
    for (const o of stage.outs) {
      const was = lockedOuts.get(o.path);
      const now = observed.outs.get(o.path);
      if (!was) reasons.push({ kind: 'out-added', path: o.path });
      else if (!now) reasons.push({ kind: 'out-missing', path: o.path });
      else if (!sameState(was, now)) reasons.push({ kind: 'out-modified', path: o.path, ...changesOf(was, now, observed) });
    }
    for (const o of entry.outs) if (!stage.outs.some((x) => x.path === o.path)) reasons.push({ kind: 'out-removed', path: o.path });
  }
  if (stage.alwaysChanged) reasons.push({ kind: 'always-changed' });
  return { run: !stage.frozen && reasons.length > 0, reasons };
}

function changesOf(was: LockedPath, now: PathState, observed: Observed) {
  if (was.files === undefined || !now.entries) return {};
  const old = observed.manifest?.(was.oid);
  return old ? { changes: countChanges(old, now.entries) } : {};
}

function paramReasons(stage: Stage, entry: LockEntry): Reason[] {
  const out: Reason[] = [];
  const now = new Map(stage.params.map((p) => [p.file, p.values]));
  const files = [...new Set([...now.keys(), ...Object.keys(entry.params)])].sort();
  for (const file of files) {
    const a = entry.params[file] ?? {};
    const b = now.get(file) ?? {};
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const has = (r: Record<string, ParamValue>) => Object.prototype.hasOwnProperty.call(r, key);
      if (has(a) && has(b) && canonicalValue(a[key]) === canonicalValue(b[key])) continue;
      const r: Reason = { kind: 'param', file, key };
      if (has(a)) r.old = a[key];
      if (has(b)) r.new = b[key];
      out.push(r);
    }
  }
  return out;
}
