import { spawnSync } from 'node:child_process';
import { hasGitBinary } from './catFileBatch.js';
import { findGitRoot } from './findGitRoot.js';

/**
 * Which of `files` (paths relative to `root`, POSIX) are in Git's index, asked with
 * `git ls-files`; null when Git cannot say (no git program, or `root` is in no Git work
 * tree). Synchronous, for the rare message that must name the right command: `git rm`
 * for a tracked file, `rm` for one Git does not know (issue: pasted hints).
 */
export function gitTrackedSync(root: string, files: string[]): Set<string> | null {
  if (files.length === 0) return new Set();
  if (!hasGitBinary() || !findGitRoot(root)) return null;
  // Paths come back relative to the folder git runs in, as they were given.
  const r = spawnSync('git', ['ls-files', '-z', '--', ...files.map((f) => `:(literal)${f}`)], { cwd: root, maxBuffer: 1 << 24 });
  if (r.status !== 0) return null;
  const listed = new Set(r.stdout.toString('utf8').split('\0'));
  return new Set(files.filter((f) => listed.has(f)));
}
