import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';

/**
 * Push tags to a Git remote with the git binary (every transport and credential helper
 * the user already has). The remote is the current branch's upstream remote, else
 * `origin`, else the only remote. Throws ENOGIT without git, EGIT when the push fails
 * (the message names the command to run by hand).
 */
export function pushTags(root: string, tags: string[]): string {
  const by = `git push <remote> ${tags.map((t) => `refs/tags/${t}`).join(' ')}`;
  if (!hasGitBinary()) throw new DvdError('ENOGIT', 'pushing tags needs the git program', { hint: `install git, or push from elsewhere: ${by}` });
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const branch = git('symbolic-ref', '--quiet', '--short', 'HEAD').stdout.trim();
  const remotes = git('remote').stdout.split('\n').filter(Boolean);
  const upstream = branch ? git('config', `branch.${branch}.remote`).stdout.trim() : '';
  const remote = upstream && remotes.includes(upstream) ? upstream : remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : '';
  if (!remote) {
    throw new DvdError('ENOREMOTE', remotes.length ? `which Git remote? (${remotes.join(', ')}; none is origin or the branch's upstream)` : 'this repository has no Git remote to push to', {
      hint: `the tag was created locally; push it with ${by}`,
    });
  }
  const r = git('push', '--quiet', remote, ...tags.map((t) => `refs/tags/${t}`));
  if (r.status !== 0) {
    throw new DvdError('EGIT', `git push ${remote} failed: ${r.stderr.trim()}`, { hint: `the tag was created locally; push it later with ${by.replace('<remote>', remote)}` });
  }
  return remote;
}
