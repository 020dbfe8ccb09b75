import fs from 'node:fs';
import path from 'node:path';
import { uniqueProblems, type PointerProblem } from '../core/pointerProblem.js';
import { checkout, type CheckoutResult } from './checkout.js';
import { openRepo, type ApiContext } from './context.js';
import { expandGlobs } from './expandGlobs.js';
import { fetch, type FetchResult } from './fetch.js';
import type { TransferOptions } from './push.js';

export interface PullOptions extends TransferOptions {
  force?: boolean;
}

export interface PullResult {
  fetch: FetchResult;
  /** Null when nothing could be checked out (every target lacks objects). */
  checkout: CheckoutResult | null;
  /** What fetch and checkout left out, each once; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/**
 * fetch + checkout. Targets whose objects did not all arrive are left out of the
 * checkout (they are reported by fetch with the pointer that needs them), so the
 * rest of the data still lands in the workspace, with checkout's safety rules.
 */
export async function pull(ctx: ApiContext, o: PullOptions = {}): Promise<PullResult> {
  // Expanded once, so fetch and checkout see the same paths.
  if (o.glob) o = { ...o, glob: false, targets: await expandGlobs(openRepo(ctx).repo.root, ctx.cwd, o.targets ?? [], { tracked: true }) };
  const fetched = await fetch(ctx, o);
  let only: string[] | undefined;
  if (fetched.incomplete.length) {
    // Pointers read at other revisions (`REV:path`) are not in the workspace, so only
    // those that exist there are checked out, with the paths the user named in them.
    const root = openRepo(ctx).repo.root;
    only = fetched.complete.filter((p) => fs.existsSync(path.join(root, p)));
    if (only.length === 0) return { fetch: fetched, checkout: null, problems: fetched.problems };
  }
  const checkedOut = await checkout(ctx, { targets: o.targets ?? [], force: o.force, pointerFiles: only });
  return { fetch: fetched, checkout: checkedOut, problems: uniqueProblems([...fetched.problems, ...checkedOut.problems]) };
}

