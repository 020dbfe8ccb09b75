import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { configBool } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { enclosingPointer, findPointers } from '../core/findPointers.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { withLock } from '../core/lock.js';
import type { Repo } from '../core/repo.js';
import { isCacheLink } from '../core/walkTarget.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { POINTER_EXT, type Pointer } from '../core/pointer.js';
import { addToGitignore } from '../git/addToGitignore.js';
import { gitIndexChecker } from '../git/isTrackedByGit.js';
import { stageFiles } from '../git/stageFiles.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { openRepo, type ApiContext } from './context.js';
import { expandGlobs } from './expandGlobs.js';
import { resolveTargets, type ResolvedTarget } from './resolveTargets.js';
import { storeTracked } from './storeTracked.js';

export interface AddOptions {
  targets: string[];
  glob?: boolean;
  /** -R: each file inside a folder target is tracked on its own (one pointer per file), as `dvc add -R`. */
  recursive?: boolean;
  jobs?: number;
}

export interface AddResult {
  added: { target: string; pointerFile: string; pointer: Pointer; changed: boolean; storedFiles: number }[];
  /** Files dvd wrote that Git should track (pointers, .gitignore files). */
  gitFiles: string[];
  staged: boolean;
}

export async function add(ctx: ApiContext, opts: AddOptions): Promise<AddResult> {
  const { repo, config } = openRepo(ctx);
  let args = opts.glob ? await expandGlobs(repo.root, ctx.cwd, opts.targets, { tracked: false }) : opts.targets;
  if (opts.recursive) args = await filesUnder(ctx.cwd, args);
  if (args.length === 0) throw new DvdError('EUSAGE', 'nothing to add', { exitCode: 2 });
  const targets = resolveTargets(repo.root, ctx.cwd, args);
  // Validate every target before touching anything: bad input changes nothing.
  const tracked = findGitRoot(repo.root) ? await gitIndexChecker(repo.root) : () => false;
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.rel)) throw new DvdError('EBADTARGET', `${t.arg}: given twice`);
    seen.add(t.rel);
    validateAddTarget(repo, t, tracked);
  }
  for (const a of targets) {
    for (const b of targets) {
      if (a !== b && b.rel.startsWith(`${a.rel}/`)) throw new DvdError('EBADTARGET', `${b.arg}: inside ${a.arg}, which is also being added`);
    }
  }
  const jobs = opts.jobs ?? defaultJobs();
  const linker = new Linker(repo, linkTypesFromConfig(config), ctx.log.warn);
  return withLock(repo, 'add', async () => {
    const result: AddResult = { added: [], gitFiles: [], staged: false };
    for (const t of targets) {
      const r = await storeTracked(ctx, { repo, target: t.rel, abs: t.abs, linker, jobs });
      const dir = path.posix.dirname(t.rel);
      const dirRel = dir === '.' ? '' : dir;
      addToGitignore(repo.root, dirRel, path.posix.basename(t.rel));
      result.added.push({ target: t.rel, pointerFile: r.pointerFile, pointer: r.pointer, changed: r.changed, storedFiles: r.storedFiles });
      result.gitFiles.push(r.pointerFile, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);
    }
    result.gitFiles = [...new Set(result.gitFiles)];
    if (configBool(config, 'core.autostage', false) && findGitRoot(repo.root)) {
      await stageFiles(repo.root, result.gitFiles);
      result.staged = true;
    }
    return result;
  });
}

function validateAddTarget(repo: Repo, t: ResolvedTarget, trackedByGit: (p: string) => boolean): void {
  const root = repo.root;
  const st = fs.lstatSync(t.abs, { throwIfNoEntry: false });
  if (!st) throw new DvdError('ENOENT', `${t.arg}: no such file or directory`);
  // A link into the cache is a file target already checked out with cache type symlink;
  // re-adding it is a commit. Any other link is refused.
  const cacheLink = st.isSymbolicLink() && isCacheLink(t.abs, repo.cacheDir);
  if (st.isSymbolicLink() && !cacheLink) throw new DvdError('ESYMLINK', `${t.arg}: is a symbolic link; dvd does not track links`, { hint: 'add the file or folder it points to instead' });
  if (!cacheLink && !st.isFile() && !st.isDirectory()) throw new DvdError('ESPECIAL', `${t.arg}: not a regular file or folder`);
  if (t.rel.endsWith(POINTER_EXT)) throw new DvdError('EBADTARGET', `${t.arg}: is a dvd pointer file`, { hint: `add the data itself: dvd add ${t.arg.slice(0, -POINTER_EXT.length)}` });
  if (path.posix.basename(t.rel) === '.gitignore') throw new DvdError('EBADTARGET', `${t.arg}: dvd does not track .gitignore files`);
  const parent = path.posix.dirname(t.rel);
  const enclosing = parent === '.' ? null : enclosingPointer(root, parent);
  if (enclosing) {
    throw new DvdError('EBADTARGET', `${t.arg}: inside ${enclosing.target}, which dvd already tracks (${enclosing.pointerFile})`, {
      hint: `record changes with \`dvd commit ${enclosing.target}\``,
    });
  }
  if (trackedByGit(t.rel)) {
    throw new DvdError('EGITTRACKED', `${t.arg}: already tracked by Git`, {
      hint: `stop tracking it in Git first: git rm -r --cached ${t.arg} && git commit`,
    });
  }
  if (st.isDirectory()) {
    const inner = safeInnerPointers(root, t.rel);
    if (inner.length) {
      throw new DvdError('EBADTARGET', `${t.arg}: contains data dvd already tracks (${inner[0]})`, {
        hint: `untrack it first (dvd untrack ${inner[0].slice(0, -POINTER_EXT.length)}) or add a folder that does not overlap`,
      });
    }
  }
}

function safeInnerPointers(root: string, rel: string): string[] {
  try {
    return findPointers(root, root, [rel]).filter((p) => p.target !== rel).map((p) => p.pointerFile);
  } catch (err) {
    if (err instanceof DvdError && err.code === 'ENOTTRACKED') return [];
    throw err;
  }
}

/**
 * `add -R`: folder arguments become the files below them (dot files too; pointer files,
 * .gitignore, and the .git and .dvd folders left out); file arguments stay as they are.
 */
async function filesUnder(cwd: string, args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    if (!fs.statSync(path.resolve(cwd, a), { throwIfNoEntry: false })?.isDirectory()) {
      out.push(a);
      continue;
    }
    const files = await fg('**', { cwd: path.resolve(cwd, a), dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: ['**/.git/**', '**/.dvd/**'] });
    const kept = files.filter((f) => !f.endsWith(POINTER_EXT) && path.posix.basename(f) !== '.gitignore' && !/(^|\/)\.[^/]*\.dvd-tmp-/.test(f));
    if (kept.length === 0) throw new DvdError('ENOENT', `${a}: no files inside to add`);
    out.push(...kept.sort().map((f) => path.join(a, f)));
  }
  return out;
}
