import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { UserPaths } from '../core/userPaths.js';
import type { ApiContext } from './context.js';

// Remembers which skipped metadata folders the user was told about, so the note comes
// once per folder and repository, not on every status.
const NOTED_FILE = 'metadata-noted';

/**
 * Tell the user, the first time only, that other tools' metadata folders inside a
 * tracked target (`.git` of a clone, ...) are not data: the walk skips them (README).
 * `skipped` are target-relative, as the walk returns them.
 */
export function noteSkippedMetadata(ctx: ApiContext, repo: Repo, target: string, skipped: readonly string[]): void {
  if (skipped.length === 0) return;
  const file = path.join(repo.stateDir, NOTED_FILE);
  let noted = '';
  try {
    noted = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const known = new Set(noted.split('\n'));
  const fresh = skipped.map((s) => `${target}/${s}`).filter((p) => !known.has(p));
  if (fresh.length === 0) return;
  const paths = new UserPaths(repo.root, ctx.cwd);
  for (const p of fresh) ctx.log.info(`note: skipping ${paths.show(p)}: another tool's repository metadata, not data (never recorded or checked out)`);
  fs.mkdirSync(repo.stateDir, { recursive: true });
  fs.appendFileSync(file, `${fresh.join('\n')}\n`);
}
