import git from 'isomorphic-git';
import { gitArgs, type GitRepo } from './gitHandle.js';

/** The bytes of repo file `filepath` in commit `commitOid`, or null when it has none. */
export async function readFileAtRev(repo: GitRepo, commitOid: string, filepath: string): Promise<Buffer | null> {
  try {
    const { blob } = await git.readBlob({ ...gitArgs(repo), oid: commitOid, filepath });
    return Buffer.from(blob);
  } catch (err) {
    const code = (err as { code?: string })?.code;
    if (code === 'NotFoundError' || code === 'ObjectTypeError') return null;
    throw err;
  }
}
