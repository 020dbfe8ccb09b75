import path from 'node:path';
import { gitArgs, gitHandle } from './gitHandle.js';
import { isoGit } from './isoGit.js';

/**
 * Where Git looks for hooks: `core.hooksPath` (relative to the work tree) or
 * `<common dir>/hooks`, which every linked worktree shares.
 */
export async function hooksDir(root: string): Promise<string> {
  const git = await isoGit();
  const args = gitArgs(root);
  const configured = (await git.getConfig({ ...args, path: 'core.hooksPath' })) as string | undefined;
  if (configured) return path.resolve(root, configured);
  return path.join(gitHandle(root).commonDir, 'hooks');
}
