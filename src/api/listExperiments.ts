import { DvdError } from '../core/errors.js';
import { listRefsUnder } from '../git/listRefs.js';
import { readCommitInfo } from '../git/readGitObject.js';
import { levenshteinModule } from '../pipeline/lazyModules.js';
import { EXPS_PREFIX, parseExpMessage, parseExpRef, type ExpRecord } from '../pipeline/expRecord.js';

export interface ExpEntry {
  name: string;
  /** Full ref name. */
  ref: string;
  commit: string;
  /** The commit it started from (the ref's baseline; for a queued one, the commit's parent). */
  baseline: string;
  queued: boolean;
  /** From the commit message; null for a commit dvd did not make (then it counts as a result). */
  record: ExpRecord | null;
  /** Committer time, seconds. */
  time: number;
  message: string;
}

/**
 * Every experiment and queued experiment (refs/exps/...), in the order they started (or
 * were queued); with `named`, only those that name or full ref would pick (only their
 * commits are read: a revision argument should not read 200 experiments' commits).
 */
export async function listExperiments(gitRoot: string, o: { named?: string } = {}): Promise<ExpEntry[]> {
  const refs = (await listRefsUnder(gitRoot, EXPS_PREFIX))
    .map((r) => ({ ...r, p: parseExpRef(r.name) }))
    .filter((r) => o.named === undefined || r.name === o.named || r.p?.name === o.named);
  // Read together: the cat-file pipe answers in order without a round trip per commit.
  const infos = await Promise.all(refs.map((r) => (r.p ? readCommitInfo(gitRoot, r.oid) : null)));
  const out: ExpEntry[] = [];
  refs.forEach((r, i) => {
    const { p } = r;
    const info = infos[i];
    if (!p || !info) return;
    out.push({
      name: p.name,
      ref: r.name,
      commit: r.oid,
      baseline: p.baseline ?? info.parents[0] ?? '',
      queued: p.baseline === null,
      record: parseExpMessage(info.message),
      time: info.time,
      message: info.message,
    });
  });
  // Commit times have whole seconds; the recorded start (or queue) time has milliseconds,
  // so experiments run in one second still list in the order they ran.
  const at = (e: ExpEntry) => Date.parse(e.record?.started ?? e.record?.queued ?? '') || e.time * 1000;
  return out.sort((a, b) => at(a) - at(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The experiment called `name` (queued ones too with `queued`). ENOEXP names the closest
 * existing name when there is none; a name that several baselines hold (pulled from two
 * clones) must be given as its ref.
 */
export function findExperiment(all: ExpEntry[], name: string, o: { queued?: boolean } = {}): ExpEntry {
  const pool = all.filter((e) => o.queued || !e.queued);
  const hits = pool.filter((e) => e.name === name || e.ref === name);
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw new DvdError('EAMBIGUOUS', `${hits.length} experiments are called ${name}`, { hint: `name one by its ref: ${hits.map((h) => h.ref).join(', ')}` });
  }
  const names = [...new Set(pool.map((e) => e.name))];
  const near = names.length ? levenshteinModule().closest(name, names) : undefined;
  throw new DvdError('ENOEXP', `no experiment ${name}${near ? ` (did you mean ${near}?)` : ''}`, { hint: 'dvd exp show lists them' });
}
