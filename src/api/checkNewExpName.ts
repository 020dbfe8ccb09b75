import { DvdError } from '../core/errors.js';
import { runGit } from '../git/runGit.js';
import { checkExpName } from '../pipeline/expRecord.js';

/**
 * Refuse (EUSAGE, exit 2) a name for a new experiment that revision arguments would
 * read as something else: the shape checkExpName refuses, `HEAD` and `workspace` (any
 * case; they always mean themselves), anything else Git resolves to a commit (a branch,
 * tag or remote-tracking branch, `origin` for origin/HEAD, a commit hash prefix), and a
 * name `git check-ref-format` refuses as a ref's last part. Needs the git program (the
 * callers are `exp` commands, which check it first).
 */
export function checkNewExpName(root: string, name: string): void {
  checkExpName(name);
  const refuse = (why: string) => {
    throw new DvdError('EUSAGE', `experiment name ${JSON.stringify(name)} ${why}`, {
      exitCode: 2,
      hint: 'choose another -n: a revision argument (exp diff, metrics diff, ...) would read this one as the Git name',
    });
  };
  if (name === 'HEAD' || name.toLowerCase() === 'workspace') refuse(`is reserved (${name === 'HEAD' ? 'HEAD' : 'the workspace'})`);
  if (runGit(root, ['check-ref-format', `refs/exps/queue/${name}`], { allowFail: true }).status !== 0) refuse('is not a valid Git ref name');
  for (const [prefix, what] of [['refs/heads/', 'branch'], ['refs/tags/', 'tag'], ['refs/remotes/', 'remote-tracking branch']]) {
    if (runGit(root, ['show-ref', '--verify', '--quiet', `${prefix}${name}`], { allowFail: true }).status === 0) refuse(`is taken: a ${what} has that name`);
  }
  const r = runGit(root, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { allowFail: true });
  if (r.status === 0) refuse(`is taken: Git reads it as commit ${r.stdout.trim().slice(0, 12)}`);
}
