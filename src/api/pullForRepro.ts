import fs from 'node:fs';
import path from 'node:path';
import { isSameOrInside } from '../pipeline/buildDag.js';
import type { Stage } from '../pipeline/stage.js';
import { checkout } from './checkout.js';
import { openRepo, type ApiContext } from './context.js';
import { fetch } from './fetch.js';
import { lockOutputRefs } from './lockOutputs.js';
import type { OpenPipeline } from './openPipeline.js';

/**
 * `repro --pull`: before deciding, fetch the tracked data the stages read and the cached
 * outputs dvd.lock records for them (and, with the run cache, the remote's run entries),
 * then check out those that are absent from the workspace, so a fresh clone decides on
 * real data. Paths already there are left alone (the decision compares them). What the
 * remote lacks is left for the decision to report.
 */
export async function pullForRepro(ctx: ApiContext, o: { pipe: OpenPipeline; stages: Stage[]; remote?: string; runCache: boolean }): Promise<void> {
  const { root } = openRepo(ctx).repo;
  const deps = o.stages.flatMap((s) => s.deps);
  const tracked = o.pipe.pointers.filter((p) => deps.some((d) => isSameOrInside(d, p.target) || isSameOrInside(p.target, d)));
  const outs = lockOutputRefs(o.pipe.lock, new Set(o.stages.map((s) => s.name)));
  const refs = [...tracked, ...outs];
  await fetch(ctx, { pointers: refs, remote: o.remote, runCache: o.runCache });
  const absent = refs.map((r) => path.join(root, r.target)).filter((p) => !fs.existsSync(p));
  if (absent.length) await checkout(ctx, { targets: absent });
}
