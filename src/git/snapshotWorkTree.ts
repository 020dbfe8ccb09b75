import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { runGit } from './runGit.js';

/**
 * A commit of the work tree at `dir` as it is now: the tracked files as they are
 * (`git add -u`: changed and deleted ones too) plus the untracked files listed in `add`
 * (repo-relative; other untracked files stay out, like ignored ones), with parent
 * `parent` and message `message`. Written through a temporary index, so the user's index,
 * HEAD and branches are untouched; the commit is on no branch until a ref names it.
 * `replace` puts other content at some paths (repo-relative) than the work tree has, e.g.
 * params files as a queued experiment will set them. `rehash` (repo-relative, tracked)
 * are hashed again whatever their stat data says: files the caller knows were rewritten
 * (an experiment's metrics), since a same-size rewrite within the index's timestamp
 * granularity can look unchanged to Git. Returns the commit's oid. Needs the git program
 * (runGit).
 */
export function snapshotWorkTree(dir: string, o: { parent: string; message: string; add?: string[]; rehash?: string[]; replace?: Record<string, string> }): string {
  const index = runGit(dir, ['rev-parse', '--git-path', 'index']).stdout.trim();
  const tmp = path.join(os.tmpdir(), `dvd-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // Starting from the real index keeps its stat data, so `add -A` hashes only what changed.
    // The copy keeps the index's mtime too: Git re-hashes an entry whose mtime is not
    // older than the index file's (racy clean), and a copy dated now would hide a
    // same-size rewrite made in the second of the last commit (a stale metrics file).
    try {
      const indexPath = path.resolve(dir, index);
      fs.copyFileSync(indexPath, tmp);
      const st = fs.statSync(indexPath);
      fs.utimesSync(tmp, st.atime, st.mtime);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const env = { GIT_INDEX_FILE: tmp };
    // Paths given by name are names, not patterns (a `*` in a file name).
    const literal = { GIT_INDEX_FILE: tmp, GIT_LITERAL_PATHSPECS: '1' };
    const add = [...(o.add ?? [])];
    if (o.rehash?.length) {
      // Out of the index, then added back if still there: Git cannot reuse a stat match.
      runGit(dir, ['rm', '-q', '--cached', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: literal, input: `${o.rehash.join('\0')}\0` });
      add.push(...o.rehash.filter((p) => fs.existsSync(path.join(dir, p))));
    }
    runGit(dir, ['add', '-u', '--', ':/'], { env });
    if (add.length) runGit(dir, ['add', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: literal, input: `${add.join('\0')}\0` });
    for (const [file, content] of Object.entries(o.replace ?? {})) {
      const blob = runGit(dir, ['hash-object', '-w', '--stdin'], { input: content }).stdout.trim();
      const mode = /^(\d{6}) /.exec(runGit(dir, ['ls-files', '-s', '--', file], { env }).stdout)?.[1] ?? '100644';
      runGit(dir, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${file}`], { env });
    }
    const tree = runGit(dir, ['write-tree'], { env }).stdout.trim();
    return runGit(dir, ['commit-tree', tree, '-p', o.parent], { input: o.message }).stdout.trim();
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
