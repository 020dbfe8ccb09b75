import path from 'node:path';
import fs from 'node:fs';
import { defaultJobs } from '../core/defaultJobs.js';
import { DvdError } from '../core/errors.js';
import { findPointers } from '../core/findPointers.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { withLock } from '../core/lock.js';
import { StatCache } from '../core/statCache.js';
import type { Pointer } from '../core/pointer.js';
import { openRepo, type ApiContext } from './context.js';
import { storeTracked } from './storeTracked.js';

export interface CommitOptions {
  targets?: string[];
  /** Re-hash every file instead of trusting the stat cache. */
  force?: boolean;
  jobs?: number;
}

export interface CommitResult {
  committed: { target: string; pointerFile: string; pointer: Pointer; changed: boolean }[];
}

/** Record the workspace state of tracked targets in their pointers (and the cache). */
export async function commit(ctx: ApiContext, opts: CommitOptions = {}): Promise<CommitResult> {
  const { repo, config } = openRepo(ctx);
  const refs = findPointers(repo.root, ctx.cwd, opts.targets ?? []);
  // lstat: a dangling link (a moved repository's, see walkTarget.ts) is in the workspace.
  const missing = refs.filter((r) => !fs.lstatSync(path.join(repo.root, r.target), { throwIfNoEntry: false }));
  if (missing.length) {
    throw new DvdError('ENOENT', `nothing to commit for ${missing.map((m) => m.target).join(', ')}: not in the workspace`, {
      hint: 'restore it with `dvd checkout`, or stop tracking it with `dvd untrack`',
    });
  }
  const linker = new Linker({ repo, types: linkTypesFromConfig(config), warn: ctx.log.warn, verb: 'commit' });
  return withLock(repo, 'commit', async () => {
    const result: CommitResult = { committed: [] };
    for (const ref of refs) {
      if (opts.force) StatCache.remove(repo, ref.target);
      const r = await storeTracked(ctx, {
        repo,
        target: ref.target,
        abs: path.join(repo.root, ref.target),
        linker,
        jobs: opts.jobs ?? defaultJobs(),
        pointerFile: ref.pointerFile,
      });
      result.committed.push({ target: ref.target, pointerFile: ref.pointerFile, pointer: r.pointer, changed: r.changed });
    }
    return result;
  });
}
