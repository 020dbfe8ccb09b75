import { gitArgs, type GitRepo } from './gitHandle.js';
import { isoGit } from './isoGit.js';
import { batchFor } from './readGitObject.js';

/** The bytes of repo file `filepath` in commit `commitOid`, or null when it has none. */
export async function readFileAtRev(repo: GitRepo, commitOid: string, filepath: string): Promise<Buffer | null> {
  const b = batchFor(repo);
  if (b) {
    const o = await b.read(`${commitOid}:${filepath}`);
    return o && o.type === 'blob' ? o.data : null;
  }
  const git = await isoGit();
  try {
    const { blob } = await git.readBlob({ ...gitArgs(repo), oid: commitOid, filepath });
    return Buffer.from(blob);
  } catch (err) {
    const code = (err as { code?: string })?.code;
    if (code === 'NotFoundError' || code === 'ObjectTypeError') return null;
    throw err;
  }
}
