import { DvdError } from '../core/errors.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject } from '../core/objects.js';
import type { ApiContext, OpenRepo } from './context.js';
import { ensureManifests } from './ensureManifests.js';
import { otherWorktreePointers } from './otherWorktreePointers.js';
import { pointersOfScope, type Scope } from './pointersOfScope.js';

export interface Referenced {
  /** Every object the scope needs: file objects, manifests, and the files manifests list. */
  oids: Set<string>;
  /** The subset that are directory manifests. */
  manifests: Set<string>;
  revisions: number;
  pointers: number;
}

/**
 * The objects a scope references, for gc. A directory's files are known only from its
 * manifest; a manifest missing from the cache is fetched from `remote` (or the default
 * remote), and if that is impossible gc must stop: deleting without knowing what a
 * version needs is how data gets lost. Other Git worktrees' workspaces and HEADs are
 * always kept: they share the cache.
 */
export async function referencedObjects(ctx: ApiContext, open: OpenRepo, scope: Scope, remote?: string): Promise<Referenced> {
  const { repo, config } = open;
  const { pointers, revisions, problems } = await pointersOfScope(repo.root, { ...scope, workspace: true }, ctx.cwd);
  const others = await otherWorktreePointers(repo.root);
  pointers.push(...others.pointers);
  problems.push(...others.problems);
  // Unlike the other commands gc cannot go on without them: what they name is unknown,
  // and unknown means "maybe still needed".
  if (problems.length) {
    const shown = problems.slice(0, 20).map((p) => `  ${p.message}`).join('\n');
    throw new DvdError('EBADPOINTER', `gc: ${problems.length} pointer${problems.length === 1 ? '' : 's'} in scope cannot be used, so what ${problems.length === 1 ? 'it references' : 'they reference'} is unknown; nothing was deleted:\n${shown}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`, {
      hint: problems[0].hint ?? 'fix or remove those pointer files, then run gc again',
      data: { problems },
    });
  }
  const missing = pointers.filter((p) => p.pointer.type === 'dir' && !hasObject(repo, p.pointer.oid));
  if (missing.length) {
    if (!remote && !config.get('core.remote')) {
      throw new DvdError('ENOOBJECT', `gc: ${missing.length} directory manifest${missing.length === 1 ? '' : 's'} in scope ${missing.length === 1 ? 'is' : 'are'} not in the cache (first: ${missing[0].pointerFile}), so what ${missing.length === 1 ? 'it references' : 'they reference'} is unknown`, {
        hint: 'fetch them first (`dvd fetch` with the same scope options), or set a default remote so gc can read them',
      });
    }
    await ensureManifests(ctx, open, missing, remote);
  }
  const oids = new Set<string>();
  const manifests = new Set<string>();
  for (const p of pointers) {
    oids.add(p.pointer.oid);
    if (p.pointer.type !== 'dir') continue;
    manifests.add(p.pointer.oid);
    for (const e of await loadManifest(repo, p.pointer, p.pointerFile)) oids.add(e.oid);
  }
  return { oids, manifests, revisions: revisions.length, pointers: pointers.length };
}
