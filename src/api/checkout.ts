import path from 'node:path';
import { applyCheckout } from '../core/applyCheckout.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { DvdError } from '../core/errors.js';
import type { PointerRef } from '../core/findPointers.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig, sharesCache } from '../core/linkTypes.js';
import { loadManifestSync } from '../core/loadManifest.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import { withLock } from '../core/lock.js';
import { hasObject } from '../core/objects.js';
import { removeCheckoutTemps } from '../core/removeCheckoutTemps.js';
import { scanTarget, type TargetScan } from '../core/scanTarget.js';
import { UserPaths } from '../core/userPaths.js';
import { refusedError, withoutMetadata } from '../core/walkTarget.js';
import { entriesInScope } from '../core/scope.js';
import type { ManifestEntry } from '../core/manifest.js';
import { expandGlobs } from './expandGlobs.js';
import { openRepo, type ApiContext } from './context.js';
import { planCheckout, type CheckoutPlan } from './planCheckout.js';
import { noteSkippedMetadata } from './noteSkippedMetadata.js';
import { gitTrackedLookup } from './gitFiles.js';
import { workspaceRefs } from './workspaceRefs.js';

export interface CheckoutOptions {
  targets?: string[];
  /** Targets are shell-style patterns (expandGlobs). */
  glob?: boolean;
  /** Overwrite or delete workspace data even if it is not in the cache. */
  force?: boolean;
  /** Re-materialize every file with the configured cache type. */
  relink?: boolean;
  jobs?: number;
  /** Only these pointer files among the targets' (pull: those whose objects all arrived). */
  pointerFiles?: string[];
}

export interface CheckoutTargetResult {
  target: string;
  pointerFile: string;
  written: number;
  removed: number;
  /** Files whose bytes were right but whose executable bit was not, and was set or cleared. */
  modeChanged: number;
  /** Files left as they were (neither written, removed nor changed in mode). */
  unchanged: number;
  /** The target folder did not exist and was created (an empty version has no file to make it). */
  madeFolder: boolean;
  /** Set when only these paths inside the target were checked out (repo-relative). */
  scope?: string[];
}

export interface CheckoutResult {
  targets: CheckoutTargetResult[];
  /** Objects that could not be checked out because they are not in the cache, by pointer file. */
  missing: { pointerFile: string; oid: string; path: string }[];
  /** Pointers (or targets) left unchanged because they cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

interface Planned {
  ref: PointerRef;
  /** Files in the version checked out. */
  total: number;
  /** The plan makes the folder exactly the pointer's manifest (see loadDesired). */
  whole: boolean;
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
  const only = opts.pointerFiles && new Set(opts.pointerFiles);
  // `.dvd` pointers and the cached outputs dvd.lock records.
  const found = workspaceRefs(repo.root, ctx.cwd, targets ?? [], { gitTracked: gitTrackedLookup(repo.root) });
  const refs = found.refs.filter((r) => !only || only.has(r.pointerFile));
  const problems = found.problems;
  const paths = new UserPaths(repo.root, ctx.cwd);
  const types = linkTypesFromConfig(config);
  const linker = new Linker({ repo, types, warn: ctx.log.warn, verb: 'checkout' });
  const jobs = opts.jobs ?? defaultJobs();
  return withLock(repo, 'checkout', async () => {
    // Temp files a killed checkout left beside or inside any target named go, whatever
    // becomes of the target (README: interrupted checkout); scans report those inside.
    const tempsFound = new Map<string, string[]>();
    try {
      return await checkoutLocked(tempsFound);
    } finally {
      removeCheckoutTemps(repo.root, refs.map((r) => ({ target: r.target, type: r.pointer.type, inside: tempsFound.get(r.pointerFile) })));
    }
  });

  async function checkoutLocked(tempsFound: Map<string, string[]>): Promise<CheckoutResult> {
    const result: CheckoutResult = { targets: [], missing: [], problems };
    const planned: Planned[] = [];
    const inCache = (oid: string) => hasObject(repo, oid);
    for (const ref of refs) {
      await forTarget(ref.pointerFile, problems, async () => {
        const isDir = ref.pointer.type === 'dir';
        const missing = () => result.missing.push({ pointerFile: ref.pointerFile, oid: ref.pointer.oid, path: ref.target });
        if (isDir && !inCache(ref.pointer.oid)) return void missing();
        // The manifest is read when needed: by the walk only if a .dvdignore rule matches
        // something, and not at all when the stat cache vouches that the folder already
        // is this version (below).
        let desired: ManifestEntry[] | undefined;
        // Whole: the version's manifest as recorded, nothing left out (no scope, no entry
        // in another tool's metadata folder): only then does the folder end up as that oid.
        let whole = false;
        const loadDesired = (): ManifestEntry[] => {
          if (desired) return desired;
          const recorded = loadManifestSync(repo, ref.pointer, ref.pointerFile);
          const kept = withoutMetadata(recorded);
          whole = kept === recorded && !ref.scope;
          return (desired = entriesInScope(kept, ref, paths));
        };
        const scan = await scanTarget({ repo, target: ref.target, abs: path.join(repo.root, ref.target), jobs, tracked: () => loadDesired().map((e) => e.path), scope: ref.scope, expectTree: opts.relink ? undefined : ref.pointer.oid });
        // A scoped scan saw only part of the folder: the rest is looked through for temps.
        if (!ref.scope) tempsFound.set(ref.pointerFile, scan.temps);
        noteSkippedMetadata(ctx, repo, ref.target, scan.skipped);
        // A link or fifo in the target is the user's, not dvd's to replace: the target waits.
        if (scan.refused.length) throw refusedError(scan.refused, ref.target, paths, ref.pointerFile);
        if (isDir && scan.treeOid === ref.pointer.oid && !opts.relink) {
          planned.push({ ref, total: scan.files.length, scan, whole: true, plan: { write: [], chmod: [], remove: [], blocked: [], missing: [] } });
          return;
        }
        try {
          loadDesired();
        } catch (err) {
          if (err instanceof DvdError && err.code === 'ENOOBJECT') return void missing();
          throw err;
        }
        desired = desired!;
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
          return;
        }
        planned.push({ ref, total: desired.length, scan, whole, plan });
      });
    }
    const blocked = planned.flatMap((p) => p.plan.blocked.map((b) => (b === '' ? p.ref.target : `${p.ref.target}/${b}`)));
    if (blocked.length && !opts.force) {
      for (const p of planned) p.scan.state.save(p.ref.target);
      const shown = blocked.slice(0, 20).map((b) => `  ${paths.show(b)}`).join('\n');
      // Nothing is checked out, so the pointers left out are named here or never.
      const also = problems.length ? `\nalso left out:\n${problems.map((p) => `  ${p.message}`).join('\n')}` : '';
      throw new DvdError('EWOULDLOSE', `checkout would overwrite or delete ${blocked.length} file(s) whose content is not in the cache:\n${shown}${blocked.length > 20 ? `\n  ... and ${blocked.length - 20} more` : ''}${also}`, {
        hint: 'keep the changes with `dvd commit` (or `dvd add`), or discard them with `dvd checkout --force`',
        data: { blocked },
      });
    }
    for (const p of planned) {
      const progress = ctx.progress(`checkout ${p.ref.target}`);
      const total = p.plan.write.reduce((n, e) => n + e.size, 0);
      let madeFolder = false;
      try {
        madeFolder = await applyCheckout({
          root: repo.root,
          target: p.ref.target,
          isDir: p.ref.pointer.type === 'dir',
          write: p.plan.write,
          chmod: p.plan.chmod,
          remove: p.plan.remove,
          linker,
          cache: repo,
          state: p.scan.state,
          jobs,
          onProgress: (items, bytes) => progress.update({ items, bytes, totalItems: p.plan.write.length, totalBytes: total }),
        });
        // The whole folder now is this version: the next checkout or status that finds
        // every file as recorded needs neither the manifest nor a hash (statCache.ts).
        if (p.whole && p.ref.pointer.type === 'dir' && !sharesCache(linker.current)) p.scan.state.adoptTree(p.ref.pointer.oid);
      } finally {
        progress.finish();
        p.scan.state.save(p.ref.target);
      }
      result.targets.push({
        target: p.ref.target,
        pointerFile: p.ref.pointerFile,
        written: p.plan.write.length,
        removed: p.plan.remove.length,
        modeChanged: p.plan.chmod.length,
        unchanged: p.total - p.plan.write.length - p.plan.chmod.length,
        madeFolder,
        ...(p.ref.scope ? { scope: p.ref.scope.map((s) => `${p.ref.target}/${s}`) } : {}),
      });
    }
    return result;
  }
}
