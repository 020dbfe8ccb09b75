import { gitArgs, type GitRepo } from './gitHandle.js';
import { isoGit } from './isoGit.js';
import { batchFor } from './readGitObject.js';

/**
 * The full message of annotated tag `name` (without `refs/tags/`), without a trailing
 * signature block; null when there is no such tag or it is lightweight. Through the
 * running `git cat-file --batch` pipe when git exists (no new process per tag).
 */
export async function readTagMessage(repo: GitRepo, name: string): Promise<string | null> {
  const b = batchFor(repo);
  let message: string;
  if (b) {
    const o = await b.read(`refs/tags/${name}`);
    if (!o || o.type !== 'tag') return null;
    const text = o.data.toString('utf8');
    const body = text.indexOf('\n\n');
    message = body === -1 ? '' : text.slice(body + 2);
  } else {
    const git = await isoGit();
    const args = gitArgs(repo);
    let oid: string;
    try {
      oid = await git.resolveRef({ ...args, ref: `refs/tags/${name}` });
    } catch (err) {
      if ((err as { code?: string })?.code === 'NotFoundError') return null;
      throw err;
    }
    const o = await git.readObject({ ...args, oid, format: 'parsed' });
    if (o.type !== 'tag') return null;
    message = (o.object as { message: string }).message;
  }
  const sig = message.search(/^-----BEGIN (PGP|SSH) SIGNATURE-----$/m);
  return sig === -1 ? message : message.slice(0, sig);
}
