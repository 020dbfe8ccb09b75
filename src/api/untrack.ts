import fs from 'node:fs';
import path from 'node:path';
import { configBool } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { findPointers, type PointerRef } from '../core/findPointers.js';
import { forTarget, type PointerProblem } from '../core/pointerProblem.js';
import { UserPaths } from '../core/userPaths.js';
import { workspaceMode } from '../core/fileMode.js';
import { loadManifest } from '../core/loadManifest.js';
import { hasObject, missingObject } from '../core/objects.js';
import { objectPath } from '../core/objectPath.js';
import { objectLinkOid } from '../core/walkTarget.js';
import type { Repo } from '../core/repo.js';
import { withLock } from '../core/lock.js';
import { StatCache } from '../core/statCache.js';
import { removeFromGitignore } from '../git/removeFromGitignore.js';
import { stageFiles } from '../git/stageFiles.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { openRepo, type ApiContext } from './context.js';

export interface UntrackResult {
  untracked: { target: string; pointerFile: string }[];
  gitFiles: string[];
  /** Pointers left in place because they or their targets cannot be used; the CLI reports them and exits 1. */
  problems: PointerProblem[];
}

/**
 * Stop tracking targets but keep their data in the workspace as plain, writable files:
 * links into the cache (hardlink/symlink cache types) are replaced by copies first, and
 * only then are the pointer and the .gitignore line removed.
 */
export async function untrack(ctx: ApiContext, opts: { targets: string[] }): Promise<UntrackResult> {
  const { repo, config } = openRepo(ctx);
  const { refs, problems } = findPointers(repo.root, ctx.cwd, opts.targets);
  const paths = new UserPaths(repo.root, ctx.cwd);
  // untrack works on whole targets: a path inside a folder would silently untrack all of it.
  const inside = refs.find((r) => r.scope);
  if (inside) {
    throw new DvdError('EBADTARGET', `${paths.show(`${inside.target}/${inside.scope![0]}`)}: inside ${paths.show(inside.target)}, tracked as a whole by ${paths.show(inside.pointerFile)}`, {
      hint: `untrack the whole folder: \`${paths.command('dvd untrack', [inside.target])}\``,
    });
  }
  return withLock(repo, 'untrack', async () => {
    const res: UntrackResult = { untracked: [], gitFiles: [], problems };
    // Every copy of a target is planned first: a link whose object is nowhere leaves that
    // target (and its pointer) as it was, reported with the others' problems.
    const planned: { ref: PointerRef; copies: PrivateCopy[] }[] = [];
    for (const ref of refs) {
      const copies = await forTarget(ref.pointerFile, problems, async () => sharedFiles(repo, ref, path.join(repo.root, ref.target), await execBits(repo, ref), paths));
      if (copies) planned.push({ ref, copies });
    }
    for (const { ref, copies } of planned) {
      for (const c of copies) makePrivate(c);
      fs.rmSync(path.join(repo.root, ref.pointerFile));
      const dir = path.posix.dirname(ref.target);
      const dirRel = dir === '.' ? '' : dir;
      removeFromGitignore(repo.root, dirRel, path.posix.basename(ref.target));
      StatCache.remove(repo, ref.target);
      res.untracked.push({ target: ref.target, pointerFile: ref.pointerFile });
      res.gitFiles.push(ref.pointerFile, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`);
    }
    res.gitFiles = [...new Set(res.gitFiles)];
    if (configBool(config, 'core.autostage', false) && findGitRoot(repo.root)) await stageFiles(repo.root, res.gitFiles);
    return res;
  });
}

/** Paths (target-relative, '' for a file target) the pointer's version marks executable; empty when its manifest is not in the cache. */
async function execBits(repo: Repo, ref: PointerRef): Promise<Set<string>> {
  if (ref.pointer.type === 'dir' && !hasObject(repo, ref.pointer.oid)) return new Set();
  return new Set((await loadManifest(repo, ref.pointer, ref.pointerFile)).filter((e) => e.exec).map((e) => e.path));
}

interface PrivateCopy {
  file: string;
  /** What to copy: the file itself, or for dvd's link the object it names. */
  source: string;
  exec: boolean;
}

/**
 * The files under a target that share the cache (links, read-only hard links) and must
 * become private copies, with where each one's bytes are. dvd's link reads from this
 * repository's object, else from wherever it leads (a moved repository's link may
 * lead into another cache or nowhere); throws ENOOBJECT when neither has it. A link of
 * the user's (not shaped like a cache object path) stays a link.
 */
function sharedFiles(repo: Repo, ref: PointerRef, abs: string, exec: Set<string>, paths: UserPaths): PrivateCopy[] {
  const out: PrivateCopy[] = [];
  const visit = (file: string, rel: string) => {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name), rel === '' ? name : `${rel}/${name}`);
      return;
    }
    const oid = st.isSymbolicLink() ? objectLinkOid(fs.readlinkSync(file)) : null;
    const shared = st.isSymbolicLink() ? oid !== null : st.nlink > 1 && (st.mode & 0o222) === 0;
    if (!shared) return;
    let source = file;
    if (oid && hasObject(repo, oid)) source = objectPath(repo.cacheDir, oid);
    else if (oid && !fs.existsSync(file)) throw missingObject(oid, paths.show(rel === '' ? ref.target : `${ref.target}/${rel}`));
    out.push({ file, source, exec: exec.has(rel) });
  };
  visit(abs, '');
  return out;
}

/** Replace a shared file by a private copy with the workspace mode (umask applied) and its executable bit. */
function makePrivate(c: PrivateCopy): void {
  const tmp = `${c.file}.dvd-untrack-${process.pid}`;
  fs.copyFileSync(c.source, tmp); // copyfile follows a link to the object's bytes
  fs.chmodSync(tmp, workspaceMode(c.exec));
  fs.renameSync(tmp, c.file);
}
