import { addGitattributesLine, POINTER_EOL_LINE, removeGitattributesLine } from '../git/gitattributesLine.js';
import { hooksDir } from '../git/hooksDir.js';
import { installHook, uninstallHook, type HookAction } from '../git/installHook.js';
import { MERGE_DRIVER, setMergeDriverConfig } from '../git/mergeDriverConfig.js';
import { openRepo, type ApiContext } from './context.js';
import { gitRootOf } from './pointersAtRev.js';

export interface InstallOptions {
  uninstall?: boolean;
  /**
   * How hooks start dvd: argv of this very program (node + bin/dvd.js), since `dvd`
   * may not be on PATH inside Git's hook environment.
   */
  dvdCommand: string[];
}

export interface InstallResult {
  hooksDir: string;
  hooks: { name: string; action: HookAction }[];
  mergeDriver: 'registered' | 'unregistered';
  gitattributes: 'added' | 'removed' | 'unchanged';
}

export const GITATTRIBUTES_LINE = `*.dvd merge=${MERGE_DRIVER}`;
export const HOOKS = ['post-checkout', 'post-merge', 'pre-push'] as const;
const PRE_PUSH_INPUT = 'DVD_PRE_PUSH_INPUT';

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell lines dvd puts in each hook. They run at the work tree root (Git's rule for
 * hooks), skip when the commit has no dvd repository (an old commit from before
 * `dvd init`), and honour DVD_SKIP_HOOKS=1 as an escape hatch.
 */
function hookBody(name: (typeof HOOKS)[number], dvd: string, dvdRootRel: string): string {
  const dir = dvdRootRel === '' ? '.' : dvdRootRel;
  const guard = `[ "$DVD_SKIP_HOOKS" != 1 ] && [ -f ${shQuote(`${dir}/.dvd/config`)} ]`;
  const run = (args: string) => `${dvd} -C ${shQuote(dir)} ${args}`;
  switch (name) {
    // -q: after every git checkout or merge only what went wrong is worth printing (not
    // "Nothing to check out"); missing objects and bad pointers still go to stderr.
    case 'post-checkout':
      // $3 = 1 for a branch/commit checkout, 0 for `git checkout -- file`.
      return `if [ "$3" = 1 ] && ${guard}; then\n  ${run('-q checkout')} || exit $?\nfi`;
    case 'post-merge':
      return `if ${guard}; then\n  ${run('-q checkout')} || exit $?\nfi`;
    case 'pre-push':
      // Data first: a pushed pointer whose objects are not on the remote breaks clones.
      // Git names what it pushes on stdin ("<ref> <sha> <remote ref> <sha>" per ref);
      // `dvd pre-push` pushes the data of every commit that goes (see api/prePush.ts),
      // plus the workspace's. $1 is the Git remote's name.
      return [
        `${PRE_PUSH_INPUT}=$(cat)`,
        `if ${guard}; then`,
        `  printf '%s\\n' "$${PRE_PUSH_INPUT}" | ${run('pre-push "$1"')} || { echo "dvd: pushing data failed; fix it or run with DVD_SKIP_HOOKS=1" >&2; exit 1; }`,
        'fi',
      ].join('\n');
  }
}

/**
 * `dvd install`: hooks so that `git checkout`/`git merge` update the data and
 * `git push` pushes it first, plus the merge driver for pointer files (in .git/config
 * and .gitattributes). Idempotent; `uninstall` removes exactly what was added.
 */
export async function install(ctx: ApiContext, o: InstallOptions): Promise<InstallResult> {
  const { repo } = openRepo(ctx);
  const { gitRoot, prefix } = gitRootOf(repo.root);
  const dir = await hooksDir(gitRoot);
  const dvd = o.dvdCommand.map(shQuote).join(' ');
  const hooks: InstallResult['hooks'] = [];
  if (o.uninstall) {
    for (const name of HOOKS) hooks.push({ name, action: uninstallHook(dir, name) });
    await setMergeDriverConfig(gitRoot, null);
    const changed = removeGitattributesLine(gitRoot, GITATTRIBUTES_LINE);
    return { hooksDir: dir, hooks, mergeDriver: 'unregistered', gitattributes: changed ? 'removed' : 'unchanged' };
  }
  const dvdRootRel = prefix.replace(/\/$/, '');
  for (const name of HOOKS) {
    const opts = name === 'pre-push' ? { stdinVar: PRE_PUSH_INPUT } : {};
    hooks.push({ name, action: installHook(dir, name, hookBody(name, dvd, dvdRootRel), opts) });
  }
  // %O ancestor, %A ours (the result goes here), %B theirs, %P the path in the repo.
  // Git runs the driver through the shell at the top of whichever work tree merges (the
  // config is shared by all linked worktrees) and names the temp files relative to it:
  // so the dvd root is relative too, and the files are made absolute before -C moves.
  await setMergeDriverConfig(gitRoot, `${dvd} -C ${shQuote(dvdRootRel === '' ? '.' : dvdRootRel)} merge-driver "$PWD"/%O "$PWD"/%A "$PWD"/%B %P`);
  const eolAdded = addGitattributesLine(gitRoot, POINTER_EOL_LINE);
  const changed = addGitattributesLine(gitRoot, GITATTRIBUTES_LINE) || eolAdded;
  return { hooksDir: dir, hooks, mergeDriver: 'registered', gitattributes: changed ? 'added' : 'unchanged' };
}
