import type { GitRepo } from './gitHandle.js';
import { toHandle } from './gitHandle.js';
import { readTreeEntries, type TreeEntry } from './readGitObject.js';

// Parsed trees by oid, per repository. Trees never change, and history views ask for the
// same few paths (dvd.yaml, dvd.lock, params and metrics files) in hundreds of commits
// whose sub-trees are mostly shared: a commit then costs one root-tree read.
const memo = new WeakMap<object, Map<string, Map<string, TreeEntry>>>();

async function treeOf(repo: GitRepo, oid: string): Promise<Map<string, TreeEntry>> {
  const h = toHandle(repo);
  let trees = memo.get(h.cache);
  if (!trees) memo.set(h.cache, (trees = new Map()));
  let t = trees.get(oid);
  if (!t) {
    t = new Map((await readTreeEntries(repo, oid)).map((e) => [e.path, e]));
    trees.set(oid, t);
  }
  return t;
}

/**
 * The tree entry at repo path `filepath` (POSIX, no leading slash) under tree `treeOid`,
 * or null when there is none. Reads only the trees along the path, each once per process.
 */
export async function entryAtPath(repo: GitRepo, treeOid: string, filepath: string): Promise<TreeEntry | null> {
  const parts = filepath.split('/');
  let tree = treeOid;
  for (let i = 0; i < parts.length; i++) {
    const e = (await treeOf(repo, tree)).get(parts[i]);
    if (!e) return null;
    if (i === parts.length - 1) return e;
    if (e.type !== 'tree') return null;
    tree = e.oid;
  }
  return null;
}
