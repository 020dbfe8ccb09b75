import path from 'node:path';
import fs from 'node:fs';
import { defaultJobs } from '../core/defaultJobs.js';
import { DvdError } from '../core/errors.js';
import { findPointers } from '../core/findPointers.js';
import { Linker } from '../core/Linker.js';
import { hasObject } from '../core/objects.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { withLock } from '../core/lock.js';
import { StatCache } from '../core/statCache.js';
import type { Pointer } from '../core/pointer.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { openRepo, type ApiContext } from './context.js';
import { storeTracked } from './storeTracked.js';
import { gitTrackedLookup, recordInGit } from './gitFiles.js';

export interface CommitOptions {
  targets?: string[];
  /** Re-hash every file instead of trusting the stat cache. */
  force?: boolean;
  jobs?: number;
}

export interface CommitResult {
  committed: { target: string; pointerFile: string; pointer: Pointer; changed: boolean }[];
  /** Changed pointer files for the printed `git add` (none without Git); staged with core.autostage. */
  gitFiles: string[];
  staged: boolean;
  /** Pointers left as they were because they or their targets cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/** Record the workspace state of tracked targets in their pointers (and the cache). */
export async function commit(ctx: ApiContext, opts: CommitOptions = {}): Promise<CommitResult> {
  const { repo, config } = openRepo(ctx);
  const { refs, problems } = findPointers(repo.root, ctx.cwd, opts.targets ?? [], { gitTracked: gitTrackedLookup(repo.root) });
  const paths = new UserPaths(repo.root, ctx.cwd);
  const linker = new Linker({ repo, types: linkTypesFromConfig(config), warn: ctx.log.warn, verb: 'commit' });
  return withLock(repo, 'commit', async () => {
    const result: CommitResult = { committed: [], gitFiles: [], staged: false, problems };
    for (const ref of refs) {
      await forTarget(ref.pointerFile, problems, async () => {
        // lstat: a dangling link (a moved repository's, see walkTarget.ts) is in the workspace.
        if (!fs.lstatSync(path.join(repo.root, ref.target), { throwIfNoEntry: false })) {
          throw new DvdError('ENOENT', `nothing to commit for ${paths.show(ref.target)}: not in the workspace`, {
            // (checkout cannot restore what the cache lacks: then pull.)
            hint: `restore it with \`${paths.command(hasObject(repo, ref.pointer.oid) ? 'dvd checkout' : 'dvd pull', [ref.target])}\`, or stop tracking it with \`${paths.command('dvd untrack', [ref.target])}\``,
          });
        }
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
      });
    }
    return { ...result, ...(await recordInGit(repo.root, config, result.committed.filter((c) => c.changed).map((c) => c.pointerFile))) };
  });
}
