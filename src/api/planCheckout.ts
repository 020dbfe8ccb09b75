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
  const current = new Map(opts.current.map((f) => [f.path, f]));
  const desiredPaths = new Set<string>();
  for (const want of opts.desired) {
    desiredPaths.add(want.path);
    const cur = current.get(want.path);
    // A link that does not lead into this cache (cur.relink) is re-created like --relink.
    if (cur && cur.oid === want.oid && !opts.relink && !cur.relink) {
      if (!opts.sharedModes && !cur.execUnknown && cur.exec !== want.exec) plan.chmod.push(want);
      continue;
    }
    if (!opts.inCache(want.oid)) {
      plan.missing.push(want);
      continue;
    }
    // A link of dvd's holds no data of its own: replacing or removing one loses nothing.
    if (cur && cur.oid !== want.oid && !cur.linkOid && !opts.inCache(cur.oid)) plan.blocked.push(cur.path);
    plan.write.push(want);
  }
  for (const cur of opts.current) {
    if (desiredPaths.has(cur.path)) continue;
    plan.remove.push(cur.path);
    if (!cur.linkOid && !opts.inCache(cur.oid)) plan.blocked.push(cur.path);
  }
  plan.blocked.sort();
  return plan;
}
