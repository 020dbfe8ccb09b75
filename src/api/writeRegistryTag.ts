import { withLock } from '../core/lock.js';
import type { Repo } from '../core/repo.js';
import { createAnnotatedTag } from '../git/createAnnotatedTag.js';
import { listTagRecords } from '../git/listTagRecords.js';
import { pushTags } from '../git/pushTags.js';
import { maxCounterOf } from '../pipeline/registryState.js';

export interface WrittenTag {
  tag: string;
  /** The Git remote it was pushed to, with `push`. */
  pushedTo?: string;
}

/**
 * Create a registry tag on `commit`. `nameFor` gets the artifact's highest `#N` and every
 * tag name as they are under the repository lock, so two `assign`s started together
 * (different stages: different names) still get different counters; the tags are read
 * again inside the lock for that. With `push`, the tag is pushed after the lock is
 * released (see pushTags). Throws ETAGEXISTS when the name is taken, ELOCKED when another
 * dvd process holds the lock for long.
 */
export async function writeRegistryTag(repo: Repo, o: { artifact: string; nameFor: (maxCounter: number, tagNames: Set<string>) => string; commit: string; message: string; push?: boolean }): Promise<WrittenTag> {
  const tag = await withLock(repo, 'artifact', async () => {
    const names = (await listTagRecords(repo.root)).map((t) => t.name);
    const name = o.nameFor(maxCounterOf(names, o.artifact), new Set(names));
    await createAnnotatedTag(repo.root, { name, commit: o.commit, message: o.message });
    return name;
  });
  return { tag, pushedTo: o.push ? pushTags(repo.root, [tag]) : undefined };
}
