import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { findRepoRoot, DVD_DIR } from '../core/repo.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { addGitattributesLine, POINTER_EOL_LINE } from '../git/gitattributesLine.js';
import type { ApiContext } from './context.js';

export interface InitOptions {
  noScm?: boolean;
}

export interface InitResult {
  root: string;
  created: string[];
}

const DVD_GITIGNORE = '/cache/\n/tmp/\n/state*\n/config.local\n';

export async function init(ctx: ApiContext, opts: InitOptions): Promise<InitResult> {
  const root = path.resolve(ctx.cwd);
  const existing = findRepoRoot(root);
  if (existing === root) throw new DvdError('EEXIST', `${root} is already a dvd repository`);
  if (!opts.noScm) {
    const gitRoot = findGitRoot(root);
    if (!gitRoot) {
      throw new DvdError('ENOGIT', `${root} is not inside a Git repository`, {
        hint: 'run `git init` first, or `dvd init --no-scm` to use dvd without Git',
      });
    }
    if (path.resolve(gitRoot) !== root) {
      throw new DvdError('ENOTGITROOT', `${root} is not the root of its Git repository (${gitRoot})`, {
        hint: `run dvd init in ${gitRoot}`,
      });
    }
  }
  const dvdDir = path.join(root, DVD_DIR);
  fs.mkdirSync(path.join(dvdDir, 'cache'), { recursive: true });
  const created: string[] = [];
  const write = (name: string, text: string) => {
    const f = path.join(dvdDir, name);
    if (!fs.existsSync(f)) {
      fs.writeFileSync(f, text);
      created.push(`${DVD_DIR}/${name}`);
    }
  };
  write('config', opts.noScm ? '[core]\n\tno_scm = true\n' : '');
  write('.gitignore', DVD_GITIGNORE);
  if (!opts.noScm && addGitattributesLine(root, POINTER_EOL_LINE)) created.push('.gitattributes');
  return { root, created };
}
