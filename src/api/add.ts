import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { enclosingPointer, findPointers, pointersNaming, readPointerFile, readPointerText, sharedTargetError, type PointerRef } from '../core/findPointers.js';
import type { PointerProblem } from '../core/pointerProblem.js';
import { checkoutTempError, isCheckoutTemp } from '../core/placeFile.js';
import { IGNORE_FILE } from '../core/ignoreRules.js';
import { Linker } from '../core/Linker.js';
import { linkTypesFromConfig } from '../core/linkTypes.js';
import { withLock } from '../core/lock.js';
import type { Repo } from '../core/repo.js';
import { shellPath, UserPaths } from '../core/userPaths.js';
import { untrackableName } from '../core/trackableName.js';
import { isObjectLink, refusedError, walkAt } from '../core/walkTarget.js';
import { defaultJobs } from '../core/defaultJobs.js';
import { POINTER_EXT, type Pointer } from '../core/pointer.js';
import { addToGitignore } from '../git/addToGitignore.js';
import { gitIndexChecker } from '../git/isTrackedByGit.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { openRepo, type ApiContext } from './context.js';
import { recordInGit, usesGit } from './gitFiles.js';
import { expandGlobs } from './expandGlobs.js';
import { resolveTargets, type ResolvedTarget } from './resolveTargets.js';
import { noteSkippedMetadata } from './noteSkippedMetadata.js';
import { previousEntries, storeTracked } from './storeTracked.js';

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
  if (opts.recursive) args = filesUnder(ctx, repo, args, new UserPaths(repo.root, ctx.cwd));
  if (args.length === 0) throw new DvdError('EUSAGE', 'nothing to add', { exitCode: 2 });
  const targets = resolveTargets(repo.root, ctx.cwd, args);
  // Validate every target before touching anything: bad input changes nothing.
  const tracked = findGitRoot(repo.root) ? await gitIndexChecker(repo.root) : () => false;
  const paths = new UserPaths(repo.root, ctx.cwd);
  const naming = pointersNaming(repo.root);
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.rel)) throw new DvdError('EBADTARGET', `${t.arg}: given twice`);
    seen.add(t.rel);
    validateAddTarget(repo, t, { trackedByGit: tracked, naming, paths });
  }
  for (const a of targets) {
    for (const b of targets) {
      if (a !== b && b.rel.startsWith(`${a.rel}/`)) throw new DvdError('EBADTARGET', `${b.arg}: inside ${a.arg}, which is also being added`);
    }
  }
  const jobs = opts.jobs ?? defaultJobs();
  const linker = new Linker({ repo, types: linkTypesFromConfig(config), warn: ctx.log.warn, verb: 'add' });
  return withLock(repo, 'add', async () => {
    // Every target is walked before any is stored: a link or a name dvd cannot record
    // anywhere refuses the whole command, so it changes nothing (issue 9 B7).
    const walks = targets.map((t) => {
      const tracked = () => previousEntries(repo, `${t.rel}${POINTER_EXT}`)?.keys() ?? null;
      const walk = walkAt(t.abs, { cacheDir: repo.cacheDir, root: repo.root, target: t.rel, tracked });
      if (walk.refused.length) throw refusedError(walk.refused, t.rel, paths);
      return walk;
    });
    const result: AddResult = { added: [], gitFiles: [], staged: false };
    // A --no-scm repository has no Git to hide the data from.
    const scm = usesGit(repo.root, config);
    for (const [i, t] of targets.entries()) {
      const r = await storeTracked(ctx, { repo, target: t.rel, abs: t.abs, linker, jobs, walk: walks[i] });
      const dir = path.posix.dirname(t.rel);
      const dirRel = dir === '.' ? '' : dir;
      if (scm) addToGitignore(repo.root, dirRel, path.posix.basename(t.rel));
      result.added.push({ target: t.rel, pointerFile: r.pointerFile, pointer: r.pointer, changed: r.changed, storedFiles: r.storedFiles });
      result.gitFiles.push(r.pointerFile, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);
    }
    return { ...result, ...(await recordInGit(repo.root, config, result.gitFiles)) };
  });
}

interface AddChecks {
  trackedByGit: (p: string) => boolean;
  /** Pointer files that name a target (see pointersNaming). */
  naming: (target: string) => string[];
  paths: UserPaths;
}

function validateAddTarget(repo: Repo, t: ResolvedTarget, { trackedByGit, naming, paths }: AddChecks): void {
  const root = repo.root;
  const badName = untrackableName(path.posix.basename(t.rel));
  if (badName) throw new DvdError('EBADNAME', `${JSON.stringify(t.arg)}: cannot be tracked: its name ${badName}`, { hint: 'rename it (dvd records names in text lines)' });
  const st = fs.lstatSync(t.abs, { throwIfNoEntry: false });
  if (!st) throw new DvdError('ENOENT', `${t.arg}: no such file or directory`);
  // dvd's own link to a cache object is a file target already checked out with cache
  // type symlink (maybe in a repository since moved); re-adding it is a commit. Any
  // other link is refused.
  const cacheLink = st.isSymbolicLink() && isObjectLink(t.abs);
  if (st.isSymbolicLink() && !cacheLink) throw new DvdError('ESYMLINK', `${t.arg}: is a symbolic link; dvd does not track links`, { hint: 'add the file or folder it points to instead' });
  if (!cacheLink && !st.isFile() && !st.isDirectory()) throw new DvdError('ESPECIAL', `${t.arg}: not a regular file or folder`);
  if (t.rel.endsWith(POINTER_EXT)) {
    if (st.isFile() && readPointerText(t.abs) !== null) throw new DvdError('EBADTARGET', `${t.arg}: is a dvd pointer file`, { hint: `add the data itself: \`dvd add ${shellPath(t.arg.slice(0, -POINTER_EXT.length))}\`` });
    throw new DvdError('EBADTARGET', `${t.arg}: cannot be tracked on its own: pointer files end in .dvd, so its pointer would be named like data`, {
      hint: path.posix.dirname(t.rel) === '.' ? 'move it into a folder and add the folder' : `add the folder that holds it: \`${paths.command('dvd add', [path.posix.dirname(t.rel)])}\``,
    });
  }
  if (isCheckoutTemp(path.posix.basename(t.rel))) throw checkoutTempError(t.arg);
  if (path.posix.basename(t.rel) === '.gitignore') throw new DvdError('EBADTARGET', `${t.arg}: dvd does not track .gitignore files`);
  const parent = path.posix.dirname(t.rel);
  const enclosing = parent === '.' ? null : enclosingPointer(root, parent, paths.cwd);
  if (enclosing) {
    throw new DvdError('EBADTARGET', `${t.arg}: inside ${paths.show(enclosing.target)}, which dvd already tracks (${paths.show(enclosing.pointerFile)})`, {
      hint: `record changes with \`${paths.command('dvd commit', [enclosing.target])}\``,
    });
  }
  if (trackedByGit(t.rel)) {
    throw new DvdError('EGITTRACKED', `${t.arg}: already tracked by Git`, {
      hint: `stop tracking it in Git first: \`git rm -r --cached ${shellPath(t.arg)}\`, then commit`,
    });
  }
  checkPointerSlot(root, t, naming(t.rel), paths, trackedByGit);
  if (st.isDirectory()) {
    const inner = innerPointers(root, t.rel);
    if (inner.ref) {
      throw new DvdError('EBADTARGET', `${t.arg}: contains data dvd already tracks (${paths.show(inner.ref.pointerFile)})`, {
        hint: `untrack it first (\`${paths.command('dvd untrack', [inner.ref.target])}\`) or add a folder that does not overlap`,
      });
    }
    if (inner.problem) {
      throw new DvdError('EBADTARGET', `${t.arg}: contains a pointer file dvd cannot read (${paths.show(inner.problem.pointerFile)})`, {
        hint: inner.problem.hint ?? `restore it with \`${paths.command('git checkout --', [inner.problem.pointerFile])}\`, or remove it`,
      });
    }
  }
}

/**
 * add writes `<target>.dvd`: refuse when that file is another target's pointer, or when
 * another pointer file already names the target (a copy or a rename of its pointer),
 * which would leave two pointers for one target (issue 9 A4).
 */
function checkPointerSlot(root: string, t: ResolvedTarget, naming: string[], paths: UserPaths, trackedByGit: (p: string) => boolean): void {
  const own = `${t.rel}${POINTER_EXT}`;
  if (fs.existsSync(path.join(root, own))) {
    let ref: PointerRef | null = null;
    try {
      ref = readPointerFile(root, own);
    } catch (err) {
      // A data file of that name is the user's: the pointer cannot go there.
      if (err instanceof DvdError && err.code === 'ENOTPOINTER') {
        throw new DvdError('EEXIST', `${t.arg}: its pointer would be ${paths.show(own)}, which is a data file, not a pointer`, { hint: 'rename one of them' });
      }
      // An unreadable pointer of this name is what re-adding replaces.
      if (!(err instanceof DvdError && err.code === 'EBADPOINTER')) throw err;
    }
    if (ref && ref.target !== t.rel) {
      throw new DvdError('EDUPTARGET', `${t.arg}: its pointer file ${paths.show(own)} already tracks ${paths.show(ref.target)}; dvd add would overwrite it`, {
        hint: 'rename one of them, or fix the pointer file',
      });
    }
  }
  const others = naming.filter((f) => f !== own);
  if (others.length === 0) return;
  if (naming.includes(own)) throw sharedTargetError(paths, t.rel, naming, (files) => new Set(files.filter(trackedByGit)));
  throw new DvdError('EDUPTARGET', `${t.arg}: already tracked by ${others.map((f) => paths.show(f)).join(', ')}; dvd add would write a second pointer, ${paths.show(own)}`, {
    hint: `record changes with \`${paths.command('dvd commit', [others[0]])}\``,
  });
}

/** The first pointer inside folder `rel`, or the first one there that cannot be read (it still means tracked data). */
function innerPointers(root: string, rel: string): { ref?: PointerRef; problem?: PointerProblem } {
  try {
    const { refs, problems } = findPointers(root, root, [rel]);
    const inside = (f: string) => f.startsWith(`${rel}/`);
    return { ref: refs.find((r) => inside(r.pointerFile)), problem: problems.find((p) => inside(p.pointerFile)) };
  } catch (err) {
    if (err instanceof DvdError && err.code === 'ENOTTRACKED') return {};
    throw err;
  }
}

/**
 * `add -R`: folder arguments become the files below them, as add's own walk of the
 * folder finds them (dot files too; .dvdignore rules applied, other tools' metadata
 * folders skipped with the usual note, links, fifos and untrackable names refused);
 * pointer files, .gitignore and .dvdignore files stay Git's. File arguments stay as they are.
 */
function filesUnder(ctx: ApiContext, repo: Repo, args: string[], paths: UserPaths): string[] {
  const out: string[] = [];
  for (const a of args) {
    const [t] = resolveTargets(repo.root, ctx.cwd, [a]);
    if (!fs.statSync(t.abs, { throwIfNoEntry: false })?.isDirectory()) {
      out.push(a);
      continue;
    }
    const walk = walkAt(t.abs, { cacheDir: repo.cacheDir, root: repo.root, target: t.rel });
    if (walk.refused.length) throw refusedError(walk.refused, t.rel, paths);
    noteSkippedMetadata(ctx, repo, t.rel, walk.skipped);
    const gitFiles = new Set(['.gitignore', IGNORE_FILE]);
    // Pointer files stay Git's; a data file named *.dvd cannot get a pointer of its own.
    const isPointer = (f: string) => f.endsWith(POINTER_EXT) && readPointerText(path.join(t.abs, f)) !== null;
    const named = walk.entries.find((e) => e.path.endsWith(POINTER_EXT) && !isPointer(e.path));
    if (named) {
      throw new DvdError('EBADTARGET', `${paths.show(`${t.rel}/${named.path}`)}: cannot be tracked on its own: pointer files end in .dvd, so its pointer would be named like data`, {
        hint: `add the folder as one target: \`${paths.command('dvd add', [t.rel])}\``,
      });
    }
    const kept = walk.entries.map((e) => e.path).filter((f) => !isPointer(f) && !gitFiles.has(path.posix.basename(f)));
    if (kept.length === 0) throw new DvdError('ENOENT', `${a}: no files inside to add`);
    out.push(...kept.sort().map((f) => path.join(a, f)));
  }
  return out;
}
