import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { snapshotWorkTree } from '../git/snapshotWorkTree.js';
import { trackedFiles, untrackedFiles } from '../git/workTreeChanges.js';
import type { ApiContext } from './context.js';
import { openPipeline } from './openPipeline.js';

// Files dvd itself writes, wherever they are: its pointers, the pipeline's lock and
// definition, and the .gitignore entries `dvd add` and outputs add.
const DVD_FILES = new Set(['dvd.lock', 'dvd.yaml', '.gitignore']);

/**
 * The files a pipeline run writes besides cached outputs, as a test on repo-relative
 * paths: the params files and the `cache: false` outputs (committed metrics and plots
 * among them); a folder output takes the files under it. Only `extra` when dvd.yaml does
 * not load (a run failed on it already).
 */
export function pipelineFiles(dir: string, extra: Iterable<string> = []): (p: string) => boolean {
  const named = new Set<string>(extra);
  try {
    for (const s of openPipeline(dir)?.pipeline.stages ?? []) {
      for (const p of s.params) named.add(p.file);
      for (const x of s.outs) if (!x.cache) named.add(x.path);
    }
  } catch (err) {
    if (!(err instanceof DvdError)) throw err;
  }
  return (p) => named.has(p) || [...named].some((n) => p.startsWith(`${n}/`));
}

/**
 * What of the untracked files at `dir` belongs in an experiment: what dvd and the pipeline
 * write (pointers, dvd.lock, dvd.yaml, .gitignore files, and pipelineFiles). Everything
 * else untracked (a `.env`, a scratch notebook, un-added raw data) is left out, as DVC
 * does, so a secret never reaches `exp push`.
 */
function experimentWrites(dir: string): (p: string) => boolean {
  const named = pipelineFiles(dir);
  return (p) => DVD_FILES.has(path.posix.basename(p)) || p.endsWith('.dvd') || named(p);
}

/**
 * Commit an experiment from the work tree at `dir` (see snapshotWorkTree): tracked files
 * as they are plus the untracked files the pipeline and dvd write. The untracked files
 * left out are warned about through `ctx.log.warn` (a folder holding only such files
 * named once, `raw/`) and returned.
 */
export function snapshotExperiment(ctx: ApiContext, dir: string, o: { parent: string; message: string; replace?: Record<string, string> }): { commit: string; untracked: string[] } {
  const ours = experimentWrites(dir);
  const files = untrackedFiles(dir);
  const add = files.filter(ours);
  const left = files.filter((p) => !ours(p));
  let untracked: string[] = [];
  if (left.length) {
    const leftSet = new Set(left);
    // `git status`'s short form: a folder of left-out files once, else the files.
    for (const e of untrackedFiles(dir, { directory: true })) {
      if (!e.endsWith('/')) {
        if (leftSet.has(e)) untracked.push(e);
      } else if (add.some((p) => p.startsWith(e))) untracked.push(...left.filter((p) => p.startsWith(e)));
      else if (left.some((p) => p.startsWith(e))) untracked.push(e);
    }
    untracked = [...new Set(untracked)].sort();
    ctx.log.warn(`not in the experiment (untracked): ${untracked.slice(0, 20).join(', ')}${untracked.length > 20 ? `, and ${untracked.length - 20} more` : ''}; git add them to include them`);
  }
  // The tracked files the run rewrote are hashed again: a same-size metrics file written
  // in the same timestamp tick as its index entry would otherwise keep the old blob.
  const rehash = trackedFiles(dir).filter(ours);
  return { commit: snapshotWorkTree(dir, { ...o, add, rehash }), untracked };
}
