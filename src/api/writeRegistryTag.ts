import { DvdError } from '../core/errors.js';
import { createAnnotatedTag } from '../git/createAnnotatedTag.js';
import { listTagRecords } from '../git/listTagRecords.js';
import { pushTags } from '../git/pushTags.js';
import { buildRegistry } from '../pipeline/registryState.js';

export interface WrittenTag {
  tag: string;
  /** The Git remote it was pushed to, with `push`. */
  pushedTo?: string;
}

/**
 * Create the registry tag `nameFor(counter)` on `commit`. `counter` starts at
 * `firstCounter`; when another process took that `#N` meanwhile (the tag exists), the
 * counter is re-read from the tags and the next one tried, up to 5 times, as two
 * concurrent `assign`s must both land. With `push`, pushes the tag (see pushTags).
 */
export async function writeRegistryTag(root: string, o: { artifact: string; firstCounter: number; nameFor: (counter: number) => string; commit: string; message: string; push?: boolean }): Promise<WrittenTag> {
  let counter = o.firstCounter;
  for (let attempt = 0; ; attempt++) {
    const tag = o.nameFor(counter);
    try {
      await createAnnotatedTag(root, { name: tag, commit: o.commit, message: o.message });
    } catch (err) {
      const raced = err instanceof DvdError && err.code === 'ETAGEXISTS' && o.nameFor(counter + 1) !== tag;
      if (!raced || attempt >= 4) throw err;
      counter = Math.max(counter, buildRegistry(await listTagRecords(root)).get(o.artifact)?.maxCounter ?? 0) + 1;
      continue;
    }
    return { tag, pushedTo: o.push ? pushTags(root, [tag]) : undefined };
  }
}
