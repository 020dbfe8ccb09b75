import { findGitRoot } from '../git/findGitRoot.js';
import { readRevisionArg as readArg } from './readRevisionArg.js';
import { HistoryReader } from '../pipeline/HistoryReader.js';
import { openRepo, type ApiContext, type OpenRepo } from './context.js';
import { revisionsOfScope, type Scope } from './pointersOfScope.js';
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

/** A revision argument as every command reads it: see readRevisionArg.ts. */
export function readRevisionArg(h: OpenHistory, rev: string): Promise<Revision> {
  return readArg(h.reader, h.repo.root, h.gitRoot, rev);
}

/**
 * The workspace, then every commit of the scope (branches, tags, all commits), each once;
 * with all commits, newest first by committer time (git's --date-order). All commits are
 * those of HEAD, branches and tags, as in DVC: experiments' commits are not history
 * (`dvd exp show` lists them).
 */
export async function readScope(h: OpenHistory, scope: Scope): Promise<Revision[]> {
  const out: Revision[] = [h.reader.workspace()];
  const revs = await revisionsOfScope(h.repo.root, { ...scope, historyOnly: true });
  // All at once: their object reads share the cat-file pipe, which answers in order
  // without waiting for us between requests (one at a time, 500 commits waited ~100 ms).
  const read = await Promise.all(revs.map((r) => h.reader.revision(r.oid, r.label)));
  // Stable: commits of one second keep the order git listed them in (children first).
  if (scope.allCommits) read.sort((a, b) => (b.time ?? 0) - (a.time ?? 0));
  return [...out, ...read];
}
