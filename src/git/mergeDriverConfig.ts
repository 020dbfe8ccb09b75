import { gitArgs } from './gitHandle.js';
import { isoGit } from './isoGit.js';

/** The name under which dvd's merge driver is registered (`merge=dvd` in .gitattributes). */
export const MERGE_DRIVER = 'dvd';

/** Register (or with `command` null, unregister) `[merge "dvd"]` in the repository's .git/config. */
export async function setMergeDriverConfig(root: string, command: string | null): Promise<void> {
  const git = await isoGit();
  const args = gitArgs(root);
  if (command === null) {
    for (const key of ['name', 'driver']) await git.setConfig({ ...args, path: `merge.${MERGE_DRIVER}.${key}`, value: undefined });
    return;
  }
  await git.setConfig({ ...args, path: `merge.${MERGE_DRIVER}.name`, value: 'dvd: three-way merge of directory pointers' });
  await git.setConfig({ ...args, path: `merge.${MERGE_DRIVER}.driver`, value: command });
}

export async function getMergeDriverConfig(root: string): Promise<string | undefined> {
  const git = await isoGit();
  return (await git.getConfig({ ...gitArgs(root), path: `merge.${MERGE_DRIVER}.driver` })) as string | undefined;
}
