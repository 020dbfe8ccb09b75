import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';
import { toHandle, type GitRepo } from './gitHandle.js';
import { readCommitInfo } from './readGitObject.js';

/**
 * The commits reachable from any of `include` and from none of `exclude` (all oids), like
 * `git rev-list INCLUDE... --not EXCLUDE...`; a shallow clone's walk ends at its
 * boundary. Excluded oids this repository lacks are ignored (a remote that moved on).
 * Through `git rev-list` when a git binary exists, which stops the exclusion walk early;
 * the isomorphic-git path walks the excluded history in full.
 */
export async function commitsBetween(repo: GitRepo, include: string[], exclude: string[]): Promise<string[]> {
  if (include.length === 0) return [];
  if (hasGitBinary()) {
    const gitdir = toHandle(repo).gitdir;
    const known = exclude.length ? present(gitdir, exclude) : [];
    const input = [...include, ...known.map((o) => `^${o}`)].join('\n') + '\n';
    const r = spawnSync('git', ['--git-dir', gitdir, 'rev-list', '--stdin'], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new DvdError('EGIT', `git rev-list failed: ${r.stderr.trim()}`);
    return r.stdout.split('\n').filter(Boolean);
  }
  const excluded = await ancestors(repo, exclude, new Set(), true);
  return [...(await ancestors(repo, include, excluded, false))];
}

/** The oids of `oids` that name commits in this repository (one `git cat-file --batch-check`). */
function present(gitdir: string, oids: string[]): string[] {
  const r = spawnSync('git', ['--git-dir', gitdir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: oids.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new DvdError('EGIT', `git cat-file failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l.endsWith(' commit')).map((l) => l.split(' ')[0]);
}

/** Every commit reachable from `tips`, not entering `stop`; missing tips are skipped when `lenient`. */
async function ancestors(repo: GitRepo, tips: string[], stop: Set<string>, lenient: boolean): Promise<Set<string>> {
  const seen = new Set<string>();
  const stack = tips.filter((t) => !stop.has(t));
  while (stack.length) {
    const oid = stack.pop()!;
    if (seen.has(oid) || stop.has(oid)) continue;
    let parents: string[];
    try {
      ({ parents } = await readCommitInfo(repo, oid));
    } catch (err) {
      if (lenient && (err as { code?: string })?.code === 'ENOTFOUND') continue;
      throw err;
    }
    seen.add(oid);
    for (const p of parents) if (!seen.has(p) && !stop.has(p)) stack.push(p);
  }
  return seen;
}
