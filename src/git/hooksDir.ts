import path from 'node:path';
import { gitArgs } from './gitHandle.js';
import { isoGit } from './isoGit.js';

/** Where Git looks for hooks: `core.hooksPath` (relative to the work tree) or `<gitdir>/hooks`. */
export async function hooksDir(root: string): Promise<string> {
  const git = await isoGit();
  const args = gitArgs(root);
  const configured = (await git.getConfig({ ...args, path: 'core.hooksPath' })) as string | undefined;
  if (configured) return path.resolve(root, configured);
  return path.join(args.gitdir, 'hooks');
}
