import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';

export interface GitRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the git program in `cwd` and return what it printed; throws EGIT naming the
 * command and git's own message when it exits non-zero (unless `allowFail`). For the
 * plumbing that isomorphic-git does not offer (worktrees, a temporary index, pushing and
 * fetching refs); callers check `requireGitBinary` first.
 */
export function runGit(cwd: string, args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; allowFail?: boolean } = {}): GitRun {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input: o.input, env: o.env ? { ...process.env, ...o.env } : process.env, maxBuffer: 1 << 30 });
  if (r.error) throw new DvdError('EGIT', `git ${args[0]}: ${r.error.message}`);
  const out = { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  if (out.status !== 0 && !o.allowFail) {
    throw new DvdError('EGIT', `git ${args.join(' ')} failed: ${out.stderr.trim() || `exit ${out.status}`}`);
  }
  return out;
}

/** ENOGIT (naming `what`) when there is no git program: experiments need its plumbing. */
export function requireGitBinary(what: string): void {
  if (!hasGitBinary()) throw new DvdError('ENOGIT', `${what} needs the git program`, { hint: 'install git (apt-get install git) and run it again' });
}
