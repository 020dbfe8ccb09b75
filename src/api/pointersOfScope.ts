import type { PointerScan } from '../core/findPointers.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { workspaceRefs } from './workspaceRefs.js';
import { lockOutputsAtRevisions } from './lockOutputsAtRevisions.js';
import { usageError } from '../core/errors.js';
import { listAllCommits } from '../git/listAllCommits.js';
import { isShallow, UNSHALLOW_HINT } from '../git/shallowCommits.js';
import type { Logger } from './context.js';
import { listBranches, listTags } from '../git/listRefs.js';
import type { PointerSource } from './objectsOfPointers.js';
import { gitRootOf, pointersAtRevisions, resolveRevision, type Revision } from './pointersAtRev.js';
import { gitTrackedLookup } from './gitFiles.js';

/** Which versions of the data a history-wide command covers. */
export interface Scope {
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  /** allCommits covers HEAD, branches and tags only, not refs/exps (history views; see listAllCommits). */
  historyOnly?: boolean;
  rev?: string[];
}

export interface ScopePointers {
  /** De-duplicated by object: one entry per distinct (type, oid), first seen wins. */
  pointers: PointerSource[];
  revisions: Revision[];
  /**
   * Pointers that cannot be read (workspace: also two pointers for one target). One per
   * pointer file and fault, labelled with the first revision that has it.
   */
  problems: PointerProblem[];
}

export function scopeIsEmpty(s: Scope): boolean {
  return !s.workspace && !s.allBranches && !s.allTags && !s.allCommits && !(s.rev && s.rev.length);
}

export function hasRevisionScope(s: Scope): boolean {
  return !!(s.allBranches || s.allTags || s.allCommits || (s.rev && s.rev.length));
}

/**
 * The commits a scope names, each once, labelled for messages. In a shallow clone
 * --all-commits means the commits the clone has; `log` is told so.
 */
export async function revisionsOfScope(root: string, s: Scope, log?: Logger): Promise<Revision[]> {
  // `gc -w` in a --no-scm repository needs no Git at all.
  if (!hasRevisionScope(s)) return [];
  const { gitRoot } = gitRootOf(root);
  const revs = new Map<string, Revision>();
  const put = (r: Revision) => {
    if (!revs.has(r.oid)) revs.set(r.oid, r);
  };
  for (const rev of s.rev ?? []) {
    if (rev.trim() === '') throw usageError('--rev needs a revision (a branch, tag or commit)');
    put(await resolveRevision(root, rev));
  }
  if (s.allBranches) for (const b of await listBranches(gitRoot)) put({ label: b.name, oid: b.oid });
  if (s.allTags) for (const t of await listTags(gitRoot)) put({ label: t.name, oid: t.oid });
  if (s.allCommits) {
    const all = await listAllCommits(gitRoot, { historyOnly: s.historyOnly });
    if (isShallow(gitRoot)) log?.warn(`this clone is shallow: --all-commits covers the ${all.length} commit${all.length === 1 ? '' : 's'} it has, not older history (${UNSHALLOW_HINT})`);
    for (const oid of all) put({ label: oid.slice(0, 12), oid });
  }
  return [...revs.values()];
}

/**
 * Every pointer the scope references: the workspace's (when asked) and those committed at
 * each revision, reading Git objects only, with the cached outputs dvd.lock records there
 * (a dvd.lock that cannot be read is a problem, as a bad pointer is). Pointer files are labelled `REV:path` so a
 * message about a missing object says which version needs it. `cwd` is where messages'
 * workspace paths are relative to.
 */
export async function pointersOfScope(root: string, s: Scope, cwd = root, log?: Logger): Promise<ScopePointers> {
  const revisions = await revisionsOfScope(root, s, log);
  const seen = new Set<string>();
  const pointers: PointerSource[] = [];
  const put = (p: PointerSource) => {
    const key = `${p.pointer.type}:${p.pointer.oid}`;
    if (seen.has(key)) return;
    seen.add(key);
    pointers.push(p);
  };
  const problems: PointerProblem[] = [];
  // Cached outputs recorded in dvd.lock count like pointers, in the workspace and at revisions.
  if (s.workspace) {
    const ws = workspaceRefs(root, cwd, [], { gitTracked: gitTrackedLookup(root) });
    for (const r of ws.refs) put(r);
    problems.push(...ws.problems);
  }
  const [byRev, outsByRev] = revisions.length ? await Promise.all([pointersAtRevisions(root, revisions), lockOutputsAtRevisions(root, revisions)]) : [new Map<string, PointerScan>(), new Map<string, PointerScan>()];
  // One bad pointer blob is shared by every commit after it: report it once, with a count.
  const firstSeen = new Map<string, { problem: PointerProblem; more: number }>();
  for (const rev of revisions) {
    const scan = byRev.get(rev.oid)!;
    const outs = outsByRev.get(rev.oid)!;
    for (const r of scan.refs) put({ pointerFile: `${rev.label}:${r.pointerFile}`, pointer: r.pointer });
    // An output has no pointer file of its own: its target names it.
    for (const r of outs.refs) put({ pointerFile: `${rev.label}:${r.pointerFile}`, pointer: r.pointer, target: r.target });
    for (const p of [...scan.problems, ...outs.problems]) {
      const key = `${p.pointerFile}\0${p.message.slice(rev.label.length)}`;
      const seenBefore = firstSeen.get(key);
      if (seenBefore) seenBefore.more++;
      else firstSeen.set(key, { problem: { ...p, pointerFile: `${rev.label}:${p.pointerFile}` }, more: 0 });
    }
  }
  for (const { problem, more } of firstSeen.values()) {
    problems.push(more ? { ...problem, message: `${problem.message} (and in ${more} more revision${more === 1 ? '' : 's'})` } : problem);
  }
  return { pointers, revisions, problems };
}
