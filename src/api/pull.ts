import fs from 'node:fs';
import path from 'node:path';
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
  let targets = o.targets ?? [];
  if (fetched.incomplete.length) {
    // Absolute paths: checkout resolves targets against ctx.cwd, pointer files are
    // repo-relative. Pointers read at other revisions (`REV:path`) are not in the
    // workspace, so only those that exist there are checked out.
    const root = openRepo(ctx).repo.root;
    targets = fetched.complete.map((p) => path.join(root, p)).filter((p) => fs.existsSync(p));
    if (targets.length === 0) return { fetch: fetched, checkout: null };
  }
  const checkedOut = await checkout(ctx, { targets, force: o.force });
  return { fetch: fetched, checkout: checkedOut };
}

