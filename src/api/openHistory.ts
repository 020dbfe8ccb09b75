import { DvdError } from '../core/errors.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { listExperiments } from './listExperiments.js';
import { HistoryReader } from '../pipeline/HistoryReader.js';
import { openRepo, type ApiContext, type OpenRepo } from './context.js';
import { revisionsOfScope, type Scope } from './pointersOfScope.js';
import { resolveRevision } from './pointersAtRev.js';
import type { Revision } from '../pipeline/HistoryReader.js';

export interface OpenHistory extends OpenRepo {
  reader: HistoryReader;
  /** The Git work tree root, or null in a `--no-scm` repository (no revisions then). */
  gitRoot: string | null;
}

/** The repository around ctx.cwd with a HistoryReader over its Git history and cache. */
export function openHistory(ctx: ApiContext): OpenHistory {
  const open = openRepo(ctx);
  const gitRoot = findGitRoot(open.repo.root);
  const reader = new HistoryReader({ root: open.repo.root, git: gitRoot, cacheDir: open.repo.cacheDir, stateDir: open.repo.stateDir });
  return { ...open, reader, gitRoot };
}

/**
 * Revisions by what the user typed: `workspace` (any case, as DVC spells it) is the
 * workspace, anything else a Git revision or else an experiment's name (EBADREV when
 * neither), labelled as typed; a full commit hash is labelled by its first 12 digits, as
 * `-A` labels commits.
 */
export async function readRevisionArg(h: OpenHistory, rev: string): Promise<Revision> {
  if (rev.toLowerCase() === 'workspace') return h.reader.workspace();
  let oid: string;
  try {
    oid = (await resolveRevision(h.repo.root, rev)).oid;
  } catch (err) {
    if (!(err instanceof DvdError && err.code === 'EBADREV') || !h.gitRoot) throw err;
    const exp = (await listExperiments(h.gitRoot)).find((e) => e.name === rev || e.ref === rev);
    if (!exp) throw err;
    oid = exp.commit;
  }
  return h.reader.revision(oid, /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 12) : rev);
}

/**
 * The workspace, then every commit of the scope (branches, tags, all commits), each once;
 * with all commits, newest first by committer time (git's --date-order).
 */
export async function readScope(h: OpenHistory, scope: Scope): Promise<Revision[]> {
  const out: Revision[] = [h.reader.workspace()];
  const revs = await revisionsOfScope(h.repo.root, scope);
  // All at once: their object reads share the cat-file pipe, which answers in order
  // without waiting for us between requests (one at a time, 500 commits waited ~100 ms).
  const read = await Promise.all(revs.map((r) => h.reader.revision(r.oid, r.label)));
  // Stable: commits of one second keep the order git listed them in (children first).
  if (scope.allCommits) read.sort((a, b) => (b.time ?? 0) - (a.time ?? 0));
  return [...out, ...read];
}
