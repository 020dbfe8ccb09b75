import type IsoGitDefault from 'isomorphic-git';

// isomorphic-git is loaded on first use, not at startup: importing it costs 100-150 ms
// (more on a busy machine), and the hot commands (`diff`, `ls`, `gc`, `add` without
// autostage) read Git through the git binary when one exists.
let mod: typeof IsoGitDefault | undefined;

export async function isoGit(): Promise<typeof IsoGitDefault> {
  mod ??= (await import('isomorphic-git')).default;
  return mod;
}
