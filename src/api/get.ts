import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFile, readConfigFile, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import { workspaceMode } from '../core/fileMode.js';
import { hashFile } from '../core/hashFile.js';
import { parseManifest, type ManifestEntry } from '../core/manifest.js';
import { objectPath } from '../core/objectPath.js';
import { hasObject, installTempObject, readObject, tempPath } from '../core/objects.js';
import { POINTER_EXT } from '../core/pointer.js';
import { checkRelPath, resolveInside } from '../core/relPath.js';
import { repoAt, type Repo } from '../core/repo.js';
import { openSourceRepo } from '../git/openSourceRepo.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { resolveRev } from '../git/resolveRev.js';
import { openRemote } from '../remote/openRemote.js';
import { TransferQueue, transferFailuresError, type TransferItem } from '../remote/TransferQueue.js';
import { dvdShareOf, type ApiContext } from './context.js';
import { downloadInto } from './fetch.js';
import { findTrackedAtRev } from './findTrackedAtRev.js';

export interface GetOptions {
  /** Local work tree, bare repository, or URL. */
  repo: string;
  /** Repo-relative path of a tracked target, a path inside a tracked directory, or a pointer file. */
  path: string;
  rev?: string;
  /** Where to write; default: the last segment of `path`, in ctx.cwd. */
  out?: string;
  /** Remote of the source repository to download from; default its core.remote. */
  remote?: string;
  jobs?: number;
}

export interface GetResult {
  repo: string;
  rev: string;
  commit: string;
  path: string;
  out: string;
  type: 'file' | 'dir';
  files: number;
  bytes: number;
  /** Objects copied from the source repository's own cache (local work trees only). */
  fromSourceCache: number;
  downloaded: number;
}

interface Wanted {
  /** Relative to OUT; '' when OUT is a single file. */
  path: string;
  oid: string;
  size: number;
  exec: boolean;
}

/** The source repository's dvd config at the revision, plus its config.local when it is a local work tree. */
async function sourceConfig(handle: Parameters<typeof readFileAtRev>[0], commit: string, rev: string, spec: string, workTree: string | null): Promise<FlatConfig> {
  const text = await readFileAtRev(handle, commit, '.dvd/config');
  if (text === null) {
    throw new DvdError('ENOTREPO', `${spec} at ${rev} is not a dvd repository (no .dvd/config at its root)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvd-get-config-'));
  try {
    fs.writeFileSync(path.join(tmp, 'config'), text);
    const cfg: FlatConfig = new Map(readConfigFile(configFile('user', null)));
    for (const [k, v] of readConfigFile(path.join(tmp, 'config'))) cfg.set(k, v);
    if (workTree) for (const [k, v] of readConfigFile(configFile('local', workTree, dvdShareOf(workTree)))) cfg.set(k, v);
    return cfg;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * `dvd get`: download tracked data from another repository (at a revision) into OUT,
 * without making the current folder a dvd repository. Objects come from the source's
 * own cache when it is a local work tree, else from its default remote; every object is
 * verified, and OUT appears only once complete.
 */
export async function get(ctx: ApiContext, o: GetOptions): Promise<GetResult> {
  const want = o.path.replace(/^\.\//, '').replace(/\/+$/, '');
  checkRelPath(want, 'PATH');
  const outAbs = path.resolve(ctx.cwd, o.out ?? path.posix.basename(want.endsWith(POINTER_EXT) ? want.slice(0, -POINTER_EXT.length) : want));
  if (fs.existsSync(outAbs)) {
    throw new DvdError('EEXIST', `${o.out ?? path.basename(outAbs)}: already exists; dvd get does not overwrite`, { hint: 'pass -o with a new path, or remove it first' });
  }
  if (!fs.statSync(path.dirname(outAbs), { throwIfNoEntry: false })?.isDirectory()) {
    throw new DvdError('ENOENT', `${o.out}: folder ${path.dirname(outAbs)} does not exist`, { hint: 'create it first, or pass another -o' });
  }
  const src = openSourceRepo(o.repo, ctx.cwd);
  const rev = o.rev ?? 'HEAD';
  let tmpRoot: string | null = null;
  try {
    const commit = await resolveRev(src.handle, rev);
    const config = await sourceConfig(src.handle, commit, rev, o.repo, src.workTree);
    const { ref, tracked } = await findTrackedAtRev(src.handle, commit, rev, want);
    if (!ref) {
      throw new DvdError('ENOTTRACKED', `${want}: not tracked by dvd in ${o.repo} at ${rev}`, {
        hint: `tracked there: ${tracked.slice(0, 10).join(', ') || 'nothing'}`,
      });
    }
    const srcCache = src.workTree ? repoAt(src.workTree, config.get('cache.dir'), dvdShareOf(src.workTree)).cacheDir : null;
    tmpRoot = fs.mkdtempSync(path.join(path.dirname(outAbs), '.dvd-get-'));
    const repo: Repo = repoAt(tmpRoot);
    fs.mkdirSync(repo.tmpDir, { recursive: true });

    const stats = { fromSourceCache: 0, downloaded: 0 };
    let remote: Awaited<ReturnType<typeof openRemote>> | null = null;
    /** Bring objects into the private cache: from the source's cache when it has them, else the remote. */
    const obtain = async (items: TransferItem[]) => {
      const rest: TransferItem[] = [];
      for (const it of items) {
        if (hasObject(repo, it.oid)) continue;
        const local = srcCache ? objectPath(srcCache, it.oid) : null;
        if (local && fs.existsSync(local)) {
          const tmp = tempPath(repo);
          await fs.promises.copyFile(local, tmp, fs.constants.COPYFILE_FICLONE);
          // Another repository's cache is trusted no more than a remote.
          if ((await hashFile(tmp)).oid === it.oid) {
            await installTempObject(repo, tmp, it.oid);
            stats.fromSourceCache++;
            continue;
          }
          await fs.promises.rm(tmp, { force: true });
        }
        rest.push(it);
      }
      if (rest.length === 0) return;
      if (!o.remote && !config.get('core.remote')) {
        throw new DvdError('ENOREMOTE', `${o.repo} at ${rev} has no default remote, and ${rest.length} object${rest.length === 1 ? '' : 's'} of ${want} ${src.workTree ? 'are not in its cache' : 'cannot be read without one'}`, {
          hint: 'pass -r NAME for one of its remotes, or run `dvd push` in that repository',
        });
      }
      remote ??= await openRemote(src.workTree ?? path.resolve(ctx.cwd, o.repo), config, o.remote, { jobs: o.jobs });
      const q = new TransferQueue({ jobs: remote.jobs, transfer: downloadInto(repo, remote.remote), progress: ctx.progress('downloading') });
      for (const it of rest) q.add(it);
      const r = await q.run();
      stats.downloaded += r.done.length;
      if (r.failed.length) throw transferFailuresError('get', r.failed, remote.remote.name);
    };

    try {
      let wanted: Wanted[];
      if (ref.pointer.type === 'file') {
        wanted = [{ path: '', oid: ref.pointer.oid, size: ref.pointer.size, exec: ref.pointer.exec === true }];
      } else {
        await obtain([{ oid: ref.pointer.oid, size: 0, neededBy: `${rev}:${ref.pointerFile}` }]);
        const entries: ManifestEntry[] = parseManifest((await readObject(repo, ref.pointer.oid)).toString('utf8'), `${rev}:${ref.pointerFile} manifest`);
        const inner = want === ref.target || want === ref.pointerFile ? '' : want.slice(ref.target.length + 1);
        const file = inner === '' ? undefined : entries.find((e) => e.path === inner);
        if (file) wanted = [{ path: '', oid: file.oid, size: file.size, exec: file.exec }];
        else {
          wanted = entries.filter((e) => inner === '' || e.path.startsWith(`${inner}/`)).map((e) => ({ ...e, path: inner === '' ? e.path : e.path.slice(inner.length + 1) }));
          if (wanted.length === 0 && inner !== '') throw new DvdError('ENOTTRACKED', `${want}: no such file or folder in ${ref.target} at ${rev}`);
        }
      }
      await obtain(wanted.map((w) => ({ oid: w.oid, size: w.size, neededBy: `${rev}:${ref.pointerFile}${w.path ? `: ${w.path}` : ''}` })));

      // Build the result beside OUT, then rename: OUT appears complete or not at all.
      const isFile = wanted.length === 1 && wanted[0].path === '';
      const staging = path.join(tmpRoot, 'out');
      if (isFile) {
        await fs.promises.copyFile(objectPath(repo.cacheDir, wanted[0].oid), staging, fs.constants.COPYFILE_FICLONE);
        await fs.promises.chmod(staging, workspaceMode(wanted[0].exec));
      } else {
        fs.mkdirSync(staging);
        for (const w of wanted) {
          const dest = resolveInside(staging, w.path, `${rev}:${ref.pointerFile} manifest`);
          fs.mkdirSync(path.dirname(dest), { recursive: true });
          await fs.promises.copyFile(objectPath(repo.cacheDir, w.oid), dest, fs.constants.COPYFILE_FICLONE);
          await fs.promises.chmod(dest, workspaceMode(w.exec));
        }
      }
      fs.renameSync(staging, outAbs);
      return {
        repo: o.repo,
        rev,
        commit,
        path: want,
        out: outAbs,
        type: isFile ? 'file' : 'dir',
        files: wanted.length,
        bytes: wanted.reduce((s, w) => s + w.size, 0),
        ...stats,
      };
    } finally {
      (remote as Awaited<ReturnType<typeof openRemote>> | null)?.remote.close();
    }
  } finally {
    if (tmpRoot) {
      // Cache objects are read-only files; the folder itself is ours to remove.
      fs.rmSync(tmpRoot, { recursive: true, force: true });
    }
    src.cleanup();
  }
}
