import type { ManifestEntry } from '../core/manifest.js';
import type { ScannedFile } from '../core/scanTarget.js';

export interface CheckoutPlan {
  /** Entries to (re)write from the cache. */
  write: ManifestEntry[];
  /** Entries already right whose mode (executable bit) needs fixing. */
  chmod: ManifestEntry[];
  /** Workspace files (target-relative) the version does not have. */
  remove: string[];
  /** Files that would be overwritten or removed but whose content is not in the cache. */
  blocked: string[];
  /** Objects the plan needs that are not in the cache. */
  missing: ManifestEntry[];
}

/**
 * Decide what checkout must do to make a target hold `desired`, touching only what
 * differs (a 1% change writes 1% of the files). Pure: no file system access besides the
 * `inCache` predicate, so the safety rule (never destroy data that is not in the cache,
 * DESIGN rule 3) is decided in one place.
 */
export function planCheckout(opts: {
  desired: ManifestEntry[];
  current: ScannedFile[];
  inCache: (oid: string) => boolean;
  relink: boolean;
  /** With hardlink/symlink types the mode is the cache's; exec bits are not applied. */
  sharedModes: boolean;
}): CheckoutPlan {
  const plan: CheckoutPlan = { write: [], chmod: [], remove: [], blocked: [], missing: [] };
  const decide = (want: ManifestEntry, cur: ScannedFile | undefined) => {
    // A link that does not lead into this cache (cur.relink) is re-created like --relink.
    if (cur && cur.oid === want.oid && !opts.relink && !cur.relink) {
      if (!opts.sharedModes && !cur.execUnknown && cur.exec !== want.exec) plan.chmod.push(want);
      return;
    }
    if (!opts.inCache(want.oid)) {
      plan.missing.push(want);
      return;
    }
    // A link of dvd's holds no data of its own: replacing or removing one loses nothing.
    if (cur && cur.oid !== want.oid && !cur.linkOid && !opts.inCache(cur.oid)) plan.blocked.push(cur.path);
    plan.write.push(want);
  };
  const gone = (cur: ScannedFile) => {
    plan.remove.push(cur.path);
    if (!cur.linkOid && !opts.inCache(cur.oid)) plan.blocked.push(cur.path);
  };
  const { desired, current } = opts;
  if (ascending(desired) && ascending(current)) {
    // The usual case: the manifest (byte order) and the walk (code unit order) list paths
    // in the same order, so one pass pairs them, with no Map of every path (on 100,000
    // files the Map cost more than the rest of the plan).
    let j = 0;
    for (const want of desired) {
      while (j < current.length && current[j].path < want.path) gone(current[j++]);
      decide(want, j < current.length && current[j].path === want.path ? current[j++] : undefined);
    }
    while (j < current.length) gone(current[j++]);
  } else {
    const byPath = new Map(current.map((f) => [f.path, f]));
    const desiredPaths = new Set<string>();
    for (const want of desired) {
      desiredPaths.add(want.path);
      decide(want, byPath.get(want.path));
    }
    for (const cur of current) if (!desiredPaths.has(cur.path)) gone(cur);
  }
  plan.blocked.sort();
  return plan;
}

/** True when the paths are strictly ascending in code unit order (then equal to byte order for what is compared). */
function ascending(entries: readonly { path: string }[]): boolean {
  for (let i = 1; i < entries.length; i++) if (!(entries[i - 1].path < entries[i].path)) return false;
  return true;
}
