import { typedRepoPath } from '../core/relPath.js';
import type { HistoryReader, MetricsRead, Revision } from '../pipeline/HistoryReader.js';
import type { DeclaredFile } from '../pipeline/pipelineSummary.js';
import type { ParamValue } from '../pipeline/stage.js';
import type { ApiContext } from './context.js';
import { openHistory, readScope } from './openHistory.js';

export interface MetricsShowOptions {
  /** Metrics files (or folders holding them) as typed, relative to ctx.cwd; default every declared one. */
  targets?: string[];
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
}

export interface RevisionMetrics {
  /** `workspace`, a branch or tag name, or a short commit hash. */
  rev: string;
  /** null for the workspace. */
  commit: string | null;
  /** Metrics file -> dotted key -> value, for the files that could be read. */
  files: Record<string, Record<string, ParamValue>>;
  /** Files (or dvd.yaml/dvd.lock) that could not be read, each message naming revision and file. */
  errors: string[];
}

export interface MetricsShowResult {
  revisions: RevisionMetrics[];
}

/**
 * `dvd metrics show`: the metrics files of the workspace, and with -a/-T/-A of each
 * branch, tag or commit too (read from Git and the cache, nothing checked out). A file
 * that cannot be read at one revision is reported there and the rest still show (the
 * CLI exits 1 when any was reported). Targets pick files; a target no stage declares is
 * read as a metrics file anyway (from Git at revisions).
 */
export async function metricsShow(ctx: ApiContext, o: MetricsShowOptions = {}): Promise<MetricsShowResult> {
  const h = openHistory(ctx);
  try {
    const targets = repoTargets(h.repo.root, ctx.cwd, o.targets ?? []);
    const revs = await readScope(h, { allBranches: o.allBranches, allTags: o.allTags, allCommits: o.allCommits });
    return { revisions: await Promise.all(revs.map((rev) => revisionMetrics(h.reader, rev, targets))) };
  } finally {
    h.reader.save();
  }
}

/**
 * Targets as typed (relative to `cwd`) as repo paths, read as every command reads paths
 * (typedRepoPath: EOUTSIDE for a path outside the repository, a usage error for "").
 */
export function repoTargets(root: string, cwd: string, targets: string[]): string[] {
  return targets.map((t) => typedRepoPath(root, cwd, t));
}

/** The files of `rev` that `targets` name (all declared ones when empty). */
export function metricsFilesOf(rev: Revision, targets: string[]): DeclaredFile[] {
  const declared = rev.summary?.metrics ?? [];
  if (targets.length === 0) return declared;
  const inside = (p: string, t: string) => t === '' || p === t || p.startsWith(`${t}/`);
  const picked = declared.filter((f) => targets.some((t) => inside(f.path, t)));
  for (const t of targets) {
    if (!declared.some((f) => inside(f.path, t))) picked.push({ path: t, cache: false });
  }
  return picked.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Read `rev`'s metrics (as picked by targets) into the shape show and diff print. */
export async function revisionMetrics(reader: HistoryReader, rev: Revision, targets: string[] = []): Promise<RevisionMetrics> {
  const reads: MetricsRead[] = await reader.metrics(rev, metricsFilesOf(rev, targets));
  const files: RevisionMetrics['files'] = {};
  const errors = [...rev.errors];
  for (const m of reads) {
    if (m.values) files[m.path] = m.values;
    else if (m.error) errors.push(m.error);
    else if (m.missing && targets.length && rev.commit === null) errors.push(`workspace:${m.path}: no such file`);
  }
  return { rev: rev.label, commit: rev.commit, files, errors };
}
