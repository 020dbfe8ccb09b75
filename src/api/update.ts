import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { withLock } from '../core/lock.js';
import type { Pointer } from '../core/pointer.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { writePointer } from '../core/writePointer.js';
import { hasObject } from '../core/objects.js';
import { checkout } from './checkout.js';
import { fetchImported } from './fetchImported.js';
import { objectsOfPointers } from './objectsOfPointers.js';
import { openRepo, type ApiContext } from './context.js';
import { parseImportUrl, snapshotUrl } from './importUrl.js';
import { fetchSourceData } from './sourceData.js';
import { status } from './status.js';
import { importedPointer } from './writeImported.js';
import { gitTrackedLookup, recordInGit } from './gitFiles.js';

export interface UpdateOptions {
  /** Imported targets (default: every imported target in the workspace). */
  targets?: string[];
  /** `dvd import` targets: follow this revision from now on instead of the recorded one. */
  rev?: string;
  remote?: string;
  jobs?: number;
  /** Replace local changes to the imported data. */
  force?: boolean;
}

/** Same bytes and, for a file, the same executable bit: nothing to check out. */
const sameData = (a: Pointer, b: Pointer) => a.oid === b.oid && (a.exec ?? false) === (b.exec ?? false);

export interface UpdateResult {
  targets: UpdateTargetResult[];
  /** Rewritten pointer files for the printed `git add` (none without Git); staged with core.autostage. */
  gitFiles: string[];
  staged: boolean;
  /** Pointers left out because they cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

export interface UpdateTargetResult {
  target: string;
  pointerFile: string;
  /** updated: new data checked out; recorded: only the source's record changed (new rev, or a stamp with the same bytes); current: nothing new. */
  outcome: 'updated' | 'recorded' | 'current';
  oldOid: string;
  newOid: string;
  /** The source commit now recorded (git imports). */
  commit?: string;
  /** With `force`: files checkout wrote, removed or changed the mode of to give back the imported version. */
  restored?: number;
}

/**
 * `dvd update`: look at each imported target's source again. A `dvd import` follows its
 * repository's revision (--rev, else the one recorded, else HEAD) and takes the data at
 * the commit it resolves to now; a `dvd import-url` compares the source's stamp (S3 ETags
 * and sizes, or sizes and mtimes) and reads and hashes the data only when it moved. New
 * data is checked out with checkout's rules: local changes to the target are refused
 * unless `force`, and with `force` the imported version is checked out even when the
 * source has not moved (its objects fetched from the source if the cache lacks them).
 */
export async function update(ctx: ApiContext, o: UpdateOptions = {}): Promise<UpdateResult> {
  const { repo, config } = openRepo(ctx);
  const { refs: all, problems } = findPointers(repo.root, ctx.cwd, o.targets ?? [], { gitTracked: gitTrackedLookup(repo.root) });
  const paths = new UserPaths(repo.root, ctx.cwd);
  const refs = o.targets?.length ? all : all.filter((r) => r.pointer.source);
  for (const r of refs) {
    if (!r.pointer.source) throw new DvdError('ENOTIMPORTED', `${paths.show(r.target)}: not imported (no source recorded in ${paths.show(r.pointerFile)})`, { hint: 'dvd update follows data brought in by `dvd import` or `dvd import-url`' });
    if (o.rev !== undefined && r.pointer.source.kind !== 'git') throw new DvdError('EUSAGE', `${paths.show(r.target)}: --rev applies to \`dvd import\` targets only`, { exitCode: 2 });
  }
  if (!o.force && refs.length) {
    const dirty = (await status(ctx, { targets: refs.map((r) => path.join(repo.root, r.target)), jobs: o.jobs })).targets.filter((t) => t.state === 'modified');
    if (dirty.length) {
      throw new DvdError('EBLOCKED', `local changes to imported data: ${dirty.map((t) => paths.show(t.target)).join(', ')}`, { hint: 'discard them with `dvd update -f`, or keep them: `dvd commit` makes the data ordinary tracked data' });
    }
  }
  const results: UpdateTargetResult[] = [];
  for (const ref of refs) {
    const res = await withLock(repo, 'update', () => updateOne(ctx, ref, o, config));
    results.push(res);
    if (res.outcome === 'updated' && !o.force) await checkout(ctx, { targets: [path.join(repo.root, ref.target)] });
    else if (o.force) {
      // -f gives back the imported version also when the source has not moved: local
      // edits go, and data missing from the cache comes from the source again.
      if (res.outcome !== 'updated') await withLock(repo, 'update', () => cacheImported(ctx, ref, config));
      const co = await checkout(ctx, { targets: [path.join(repo.root, ref.target)], force: true });
      res.restored = co.targets.reduce((n, t) => n + t.written + t.removed + t.modeChanged, 0);
      problems.push(...co.problems);
      if (co.missing.length) throw new DvdError('ENOOBJECT', `${paths.show(ref.target)}: ${co.missing.length} object(s) of the imported version are not in the cache`, { hint: `run \`${paths.command('dvd pull', [ref.target])}\`` });
    }
  }
  const git = await recordInGit(repo.root, config, results.filter((r) => r.outcome !== 'current').map((r) => r.pointerFile));
  return { targets: results, ...git, problems };

  /** Bring the objects of the recorded version of an imported target into the cache, from its source. */
  async function cacheImported(ctx: ApiContext, ref: PointerRef, cfg: typeof config): Promise<void> {
    const needs = await objectsOfPointers(repo, [ref]);
    const cached = needs.dirs.every((d) => d.files !== null && d.files.every((n) => hasObject(repo, n.oid))) && needs.files.every((n) => hasObject(repo, n.oid));
    if (cached) return;
    const src = ref.pointer.source!;
    if (src.kind === 'git') {
      const r = await fetchImported(ctx, repo, [ref], { jobs: o.jobs });
      if (r.failed.length) throw r.failed[0].error;
      return;
    }
    const snap = await snapshotUrl(ctx, repo, cfg, parseImportUrl(src.url, repo.root), { remote: o.remote, jobs: o.jobs });
    const p = await importedPointer(repo, ref.pointer.path, snap.type, snap.files!, src);
    if (!sameData(p, ref.pointer)) {
      throw new DvdError('ECHANGED', `${paths.show(ref.target)}: ${src.url} no longer holds the recorded version, and it is not in the cache`, {
        hint: 'the source was changed in place without its size, mtime or ETag moving: import it again',
      });
    }
  }

  async function updateOne(ctx: ApiContext, ref: PointerRef, o: UpdateOptions, cfg: typeof config): Promise<UpdateTargetResult> {
    const src = ref.pointer.source!;
    const base = { target: ref.target, pointerFile: ref.pointerFile, oldOid: ref.pointer.oid };
    const write = (p: Pointer, outcome: UpdateTargetResult['outcome'], commit?: string): UpdateTargetResult => {
      writePointer(repo.root, ref.pointerFile, p);
      return { ...base, outcome, newOid: p.oid, ...(commit ? { commit } : {}) };
    };
    if (src.kind === 'git') {
      const rev = o.rev ?? src.rev;
      const data = await fetchSourceData(ctx, { repo: src.repo, path: src.path, rev, remote: o.remote, jobs: o.jobs, base: repo.root, unlessCommit: src.commit }, repo);
      if (!data) {
        // The revision still resolves to the recorded commit; only a new --rev is news.
        if (rev === src.rev) return { ...base, outcome: 'current', newOid: ref.pointer.oid, commit: src.commit };
        return write({ ...ref.pointer, source: { ...src, ...(rev !== undefined ? { rev } : {}) } }, 'recorded', src.commit);
      }
      const source = { kind: 'git' as const, repo: src.repo, path: src.path, ...(rev !== undefined ? { rev } : {}), commit: data.commit };
      const p = await importedPointer(repo, ref.pointer.path, data.type, data.files, source);
      return write(p, sameData(p, ref.pointer) ? 'recorded' : 'updated', data.commit);
    }
    const loc = parseImportUrl(src.url, repo.root);
    const now = await snapshotUrl(ctx, repo, cfg, loc, { remote: o.remote, jobs: o.jobs, stampOnly: true });
    if (now.stamp === src.stamp) return { ...base, outcome: 'current', newOid: ref.pointer.oid };
    // The stamp moved: read and hash the data; the same bytes only refresh the stamp.
    const snap = await snapshotUrl(ctx, repo, cfg, loc, { remote: o.remote, jobs: o.jobs });
    const p = await importedPointer(repo, ref.pointer.path, snap.type, snap.files!, { ...src, stamp: snap.stamp });
    return write(p, sameData(p, ref.pointer) ? 'recorded' : 'updated');
  }
}
