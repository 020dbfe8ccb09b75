import fs from 'node:fs';
import path from 'node:path';
import { applyCheckout } from '../core/applyCheckout.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig, sharesCache } from '../core/linkTypes.js';
import { loadManifest } from '../core/loadManifest.js';
import { withLock } from '../core/lock.js';
import { hasObject } from '../core/objects.js';
import { scanTarget, type TargetScan } from '../core/scanTarget.js';
import type { ManifestEntry } from '../core/manifest.js';
import { expandGlobs } from './expandGlobs.js';
import { openRepo, type ApiContext } from './context.js';
import { planCheckout, type CheckoutPlan } from './planCheckout.js';

export interface CheckoutOptions {
  targets?: string[];
  /** Targets are shell-style patterns (expandGlobs). */
  glob?: boolean;
  /** Overwrite or delete workspace data even if it is not in the cache. */
  force?: boolean;
  /** Re-materialize every file with the configured cache type. */
  relink?: boolean;
  jobs?: number;
}

export interface CheckoutTargetResult {
  target: string;
  pointerFile: string;
  written: number;
  removed: number;
  unchanged: number;
}

export interface CheckoutResult {
  targets: CheckoutTargetResult[];
  /** Objects that could not be checked out because they are not in the cache, by pointer file. */
  missing: { pointerFile: string; oid: string; path: string }[];
}

interface Planned {
  ref: PointerRef;
  desired: ManifestEntry[];
  scan: TargetScan;
  plan: CheckoutPlan;
}

/**
 * Make the workspace hold exactly what the pointers say. Plans every target first and
 * changes nothing if any of them would destroy data that is not in the cache (DESIGN
 * rule 3); targets whose objects are missing are skipped and reported together.
 */
export async function checkout(ctx: ApiContext, opts: CheckoutOptions = {}): Promise<CheckoutResult> {
  const { repo, config } = openRepo(ctx);
  const targets = opts.glob ? await expandGlobs(repo.root, ctx.cwd, opts.targets ?? [], { tracked: true }) : opts.targets;
  const refs = findPointers(repo.root, ctx.cwd, targets ?? []);
  const types = linkTypesFromConfig(config);
  const linker = new Linker(repo, types, ctx.log.warn);
  const jobs = opts.jobs ?? defaultJobs();
  return withLock(repo, 'checkout', async () => {
    const result: CheckoutResult = { targets: [], missing: [] };
    const planned: Planned[] = [];
    const inCache = (oid: string) => hasObject(repo, oid);
    for (const ref of refs) {
      let desired: ManifestEntry[];
      try {
        desired = await loadManifest(repo, ref.pointer, ref.pointerFile);
      } catch (err) {
        if (err instanceof DvdError && err.code === 'ENOOBJECT') {
          result.missing.push({ pointerFile: ref.pointerFile, oid: ref.pointer.oid, path: ref.target });
          continue;
        }
        throw err;
      }
      const scan = await scanTarget({ repo, target: ref.target, abs: path.join(repo.root, ref.target), jobs });
      const plan = planCheckout({
        desired,
        current: scan.files,
        inCache,
        relink: opts.relink ?? false,
        sharedModes: sharesCache(types[0]),
      });
      if (plan.missing.length) {
        for (const m of plan.missing) {
          result.missing.push({ pointerFile: ref.pointerFile, oid: m.oid, path: m.path === '' ? ref.target : `${ref.target}/${m.path}` });
        }
        scan.state.save(ref.target);
        continue;
      }
      planned.push({ ref, desired, scan, plan });
    }
    const blocked = planned.flatMap((p) => p.plan.blocked.map((b) => (b === '' ? p.ref.target : `${p.ref.target}/${b}`)));
    if (blocked.length && !opts.force) {
      for (const p of planned) p.scan.state.save(p.ref.target);
      const shown = blocked.slice(0, 20).map((b) => `  ${b}`).join('\n');
      throw new DvdError('EWOULDLOSE', `checkout would overwrite or delete ${blocked.length} file(s) whose content is not in the cache:\n${shown}${blocked.length > 20 ? `\n  ... and ${blocked.length - 20} more` : ''}`, {
        hint: 'keep the changes with `dvd commit` (or `dvd add`), or discard them with `dvd checkout --force`',
        data: { blocked },
      });
    }
    for (const p of planned) {
      const progress = ctx.progress(`checkout ${p.ref.target}`);
      const total = p.plan.write.reduce((n, e) => n + e.size, 0);
      try {
        await applyCheckout({
          root: repo.root,
          target: p.ref.target,
          write: p.plan.write,
          chmod: p.plan.chmod,
          remove: p.plan.remove,
          linker,
          cache: repo,
          state: p.scan.state,
          jobs,
          onProgress: (items, bytes) => progress.update({ items, bytes, totalItems: p.plan.write.length, totalBytes: total }),
        });
      } finally {
        progress.finish();
        p.scan.state.save(p.ref.target);
      }
      // We hold the lock, so no live dvd is writing these.
      for (const t of p.scan.temps) fs.rmSync(t, { force: true });
      result.targets.push({
        target: p.ref.target,
        pointerFile: p.ref.pointerFile,
        written: p.plan.write.length,
        removed: p.plan.remove.length,
        unchanged: p.desired.length - p.plan.write.length,
      });
    }
    return result;
  });
}
