import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { hasGitBinary } from './catFileBatch.js';
import { bareGitHandle, gitHandle, type GitHandle } from './gitHandle.js';

export interface SourceRepo {
  handle: GitHandle;
  /** The work tree when REPO is a local non-bare repository (its cache and config.local are usable). */
  workTree: string | null;
  /** Removes a temporary clone; a no-op for local repositories. */
  cleanup(): void;
}

/** A URL or scp-like `host:path` that git clones, rather than a local path. */
export const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^[^/\\]+@[^/\\]+:/.test(s);

function isBareGitDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects')) && fs.existsSync(path.join(dir, 'refs'));
}

/**
 * Open the repository `dvd get` reads from: a local work tree, a local bare repository,
 * or a URL (cloned bare into a temp folder with the git binary, which speaks every
 * transport: https, ssh, file).
 */
export function openSourceRepo(spec: string, cwd: string): SourceRepo {
  const none = () => {};
  if (!isUrl(spec)) {
    const dir = path.resolve(cwd, spec);
    if (fs.existsSync(path.join(dir, '.git'))) return { handle: gitHandle(dir), workTree: dir, cleanup: none };
    if (isBareGitDir(dir)) return { handle: bareGitHandle(dir), workTree: null, cleanup: none };
    throw new DvdError('ENOTGIT', `${spec}: not a Git repository (neither a work tree nor a bare repository)`, {
      hint: 'give the path of a Git repository, or a URL git can clone',
    });
  }
  if (!hasGitBinary()) {
    throw new DvdError('ENOGIT', `${spec}: cloning a URL needs the git program`, { hint: 'install git, or clone the repository yourself and pass its path' });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvd-get-'));
  const r = spawnSync('git', ['clone', '--bare', '--quiet', spec, tmp], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new DvdError('ECLONE', `cannot clone ${spec}: ${r.stderr.trim()}`, { hint: 'check the URL and your access to it' });
  }
  return { handle: bareGitHandle(tmp), workTree: null, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
