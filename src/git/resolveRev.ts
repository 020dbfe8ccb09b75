import { DvdError } from '../core/errors.js';
import { gitArgs, type GitRepo } from './gitHandle.js';
import { batchFor, readCommitInfo } from './readGitObject.js';
import { isoGit } from './isoGit.js';
import { isShallow, UNSHALLOW_HINT } from './shallowCommits.js';

function unknownRev(rev: string, why?: string, hint = 'use a branch, a tag, a commit hash (4+ hex digits), or HEAD~N / HEAD^'): DvdError {
  return new DvdError('EBADREV', `unknown revision ${JSON.stringify(rev)}${why ? `: ${why}` : ''}`, { hint, data: { rev } });
}

/** `base` exists but not the ancestor `steps` asks for: say when that is the shallow boundary. */
function noSuchAncestor(repo: GitRepo, rev: string, base: string, steps: string, why: string): DvdError {
  if (!isShallow(repo)) return unknownRev(rev, why);
  return unknownRev(rev, `${base} has no such ancestor (${steps}) in this shallow clone: its history is cut off`, UNSHALLOW_HINT);
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'NotFoundError' || code === 'AmbiguousError' || code === 'InvalidOidError' || code === 'ObjectTypeError';
}

async function resolveBase(repo: GitRepo, base: string, rev: string): Promise<string> {
  const git = await isoGit();
  const args = gitArgs(repo);
  const name = base === '@' ? 'HEAD' : base;
  let oid: string | null = null;
  // Refs first, like git: a branch called "cafe" wins over a commit abbreviated "cafe".
  try {
    oid = await git.resolveRef({ ...args, ref: name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (oid === null && /^[0-9a-f]{4,40}$/i.test(name)) {
    try {
      oid = await git.expandOid({ ...args, oid: name.toLowerCase() });
    } catch (err) {
      if ((err as { code?: string })?.code === 'AmbiguousError') throw unknownRev(rev, `short hash ${name} is ambiguous; use more digits`);
      if (!isNotFound(err)) throw err;
    }
  }
  if (oid === null) {
    if (name === 'HEAD') throw unknownRev(rev, 'the repository has no commits yet');
    throw unknownRev(rev);
  }
  return oid;
}

/**
 * A commit (tags peeled); errors name the revision the user typed. Through the cat-file
 * reader: `HEAD~500` walks 500 commits, ~0.5 s with isomorphic-git's readCommit.
 */
async function readCommitOf(repo: GitRepo, oid: string, rev: string): Promise<{ oid: string; parents: string[] }> {
  try {
    const info = await readCommitInfo(repo, oid);
    return { oid: info.oid, parents: info.parents };
  } catch (err) {
    if ((err as { code?: string })?.code === 'ENOTFOUND') throw unknownRev(rev, `${oid.slice(0, 12)} is not a commit`);
    throw err;
  }
}

/**
 * The commit oid that `rev` names: HEAD, `@`, branches (also `origin/main`), tags
 * (annotated ones peeled), full or short (4+ digits) hashes, followed by any chain of
 * `~N`, `~`, `^N`, `^` as in git.
 */
export async function resolveRev(repo: GitRepo, rev: string): Promise<string> {
  const m = /^(.*?)((?:[~^][0-9]*)*)$/.exec(rev.trim())!;
  const base = m[1];
  if (base === '' || /[\s:]|\.\.|^-/.test(base)) throw unknownRev(rev);
  const b = batchFor(repo);
  if (b) {
    // git resolves the whole expression itself (refs, short hashes, ~ and ^, tag peeling)
    // through the already running cat-file pipe: no isomorphic-git load, no walk here.
    const o = await b.read(`${rev.trim()}^{commit}`);
    if (o) return o.oid;
    if ((base === 'HEAD' || base === '@') && !(await b.read('HEAD'))) throw unknownRev(rev, 'the repository has no commits yet');
    if (m[2] !== '' && (await b.read(`${base}^{commit}`))) throw noSuchAncestor(repo, rev, base, m[2], `${base} has no such ancestor (${m[2]})`);
    throw unknownRev(rev);
  }
  let oid = (await readCommitOf(repo, await resolveBase(repo, base, rev), rev)).oid;
  const steps = m[2].match(/[~^][0-9]*/g) ?? [];
  for (const step of steps) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === '~') {
      for (let i = 0; i < n; i++) {
        const { parents } = await readCommitOf(repo, oid, rev);
        if (parents.length === 0) throw noSuchAncestor(repo, rev, base, m[2], `history ends before ${step} (${oid.slice(0, 12)} has no parent)`);
        oid = parents[0];
      }
    } else if (n > 0) {
      const { parents } = await readCommitOf(repo, oid, rev);
      if (parents.length < n) throw noSuchAncestor(repo, rev, base, m[2], `${oid.slice(0, 12)} has no parent number ${n}`);
      oid = parents[n - 1];
    }
  }
  return oid;
}
