import { spawnSync } from 'node:child_process';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';
import { gitArgs, toHandle, type GitRepo } from './gitHandle.js';
import { isoGit } from './isoGit.js';

function tagExists(name: string): DvdError {
  return new DvdError('ETAGEXISTS', `tag ${name} already exists`, { data: { tag: name } });
}

/**
 * Create annotated tag `name` on `commit` with `message` kept byte for byte (git's
 * `--cleanup=verbatim`: the default "strip" would drop lines starting with `#`). The
 * tagger is Git's configured identity. Throws ETAGEXISTS when the tag exists, EGIT
 * otherwise (no identity configured, bad name).
 */
export async function createAnnotatedTag(repo: GitRepo, o: { name: string; commit: string; message: string }): Promise<void> {
  const message = o.message.endsWith('\n') ? o.message : `${o.message}\n`;
  const h = toHandle(repo);
  if (hasGitBinary()) {
    const r = spawnSync('git', ['--git-dir', h.gitdir, 'tag', '-a', '--cleanup=verbatim', '-F', '-', o.name, o.commit], { input: message, encoding: 'utf8', cwd: h.dir ?? h.gitdir });
    if (r.status === 0) return;
    if (/already exists/.test(r.stderr)) throw tagExists(o.name);
    throw new DvdError('EGIT', `git tag ${o.name} failed: ${r.stderr.trim()}`, {
      hint: /tell me who you are|user\.(name|email)/i.test(r.stderr) ? 'set your identity: git config user.name "..." && git config user.email "..."' : undefined,
    });
  }
  const git = await isoGit();
  try {
    await git.annotatedTag({ ...gitArgs(repo), ref: o.name, object: o.commit, message });
  } catch (err) {
    const code = (err as { code?: string })?.code;
    if (code === 'AlreadyExistsError') throw tagExists(o.name);
    if (code === 'MissingNameError') {
      throw new DvdError('EGIT', `cannot tag ${o.name}: no Git identity configured`, { hint: 'git config user.name "..." && git config user.email "..."' });
    }
    throw err;
  }
}
