import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFile, readConfigFile, type FlatConfig } from '../core/config.js';
import { DvdError } from '../core/errors.js';
import type { PointerRef } from '../core/findPointers.js';
import { hashFile } from '../core/hashFile.js';
import { parseManifest, type ManifestEntry } from '../core/manifest.js';
import { objectPath } from '../core/objectPath.js';
import { hasObject, installTempObject, readObject, tempPath } from '../core/objects.js';
import { POINTER_EXT } from '../core/pointer.js';
import { checkRelPath } from '../core/relPath.js';
import { repoAt, type Repo } from '../core/repo.js';
import { openSourceRepo } from '../git/openSourceRepo.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { resolveRev } from '../git/resolveRev.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { TransferQueue, transferFailuresError, type TransferItem } from '../remote/TransferQueue.js';
import { dvdShareOf, type ApiContext } from './context.js';
import { downloadInto } from './fetch.js';
import { findTrackedAtRev } from './findTrackedAtRev.js';

// What `dvd get`, `dvd import`, `dvd update` and the pull of imported data share: open
// another dvd repository at a revision, find a tracked path there, and bring the objects
// it needs into a cache.

export interface SourceSpec {
  /** Local work tree, bare repository, or URL; a local path is taken from `base`. */
  repo: string;
  /** Repo-relative path of a tracked target, a path inside a tracked directory, or a pointer file. */
  path: string;
  rev?: string;
  /** Remote of the source repository to download from; default its core.remote. */
  remote?: string;
  jobs?: number;
}

export interface SourceFile {
  /** Relative to the result; '' when the result is a single file. */
  path: string;
  oid: string;
  size: number;
  exec: boolean;
}

export interface SourceData {
  /** The path asked for, normalized (no ./, no trailing /). */
  path: string;
  rev: string;
  commit: string;
  /** The source's pointer that holds `path`. */
  ref: PointerRef;
  /** A single file (files[0].path === '') or a folder. */
  type: 'file' | 'dir';
  files: SourceFile[];
  /** Objects copied from the source repository's own cache (local work trees only). */
  fromSourceCache: number;
  downloaded: number;
}

/** Normalize a source path as typed; refuses unsafe ones. */
export function normalizeSourcePath(p: string): string {
  const want = p.replace(/^\.\//, '').replace(/\/+$/, '');
  checkRelPath(want, 'PATH');
  return want;
}

/** The default name of what PATH becomes: its last part, without a .dvd suffix. */
export function defaultOutName(want: string): string {
  return path.posix.basename(want.endsWith(POINTER_EXT) ? want.slice(0, -POINTER_EXT.length) : want);
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
 * Resolve `spec` (repository at a revision, default HEAD) and bring every object its path
 * needs into `cache`: from the source's own cache when it is a local work tree (re-hashed:
 * another repository's cache is trusted no more than a remote), else from its remote
 * (-r, else its core.remote). With `unlessCommit`, returns null without downloading when
 * the revision still resolves to that commit (`dvd update` with nothing new).
 */
export async function fetchSourceData(ctx: ApiContext, spec: SourceSpec & { base: string; unlessCommit?: string }, cache: Repo): Promise<SourceData | null> {
  const want = normalizeSourcePath(spec.path);
  const src = openSourceRepo(spec.repo, spec.base);
  const rev = spec.rev ?? 'HEAD';
  let remote: ReturnType<typeof openCheckedRemote> | null = null;
  try {
    const commit = await resolveRev(src.handle, rev);
    if (spec.unlessCommit === commit) return null;
    const config = await sourceConfig(src.handle, commit, rev, spec.repo, src.workTree);
    // A `.dvd` pointer, else a cached output in that revision's dvd.lock.
    const { ref, tracked } = await findTrackedAtRev(src.handle, commit, rev, want);
    if (!ref) {
      throw new DvdError('ENOTTRACKED', `${want}: not tracked by dvd in ${spec.repo} at ${rev}`, {
        hint: `tracked there: ${tracked.slice(0, 10).join(', ') || 'nothing'}`,
      });
    }
    const srcCache = src.workTree ? repoAt(src.workTree, config.get('cache.dir'), dvdShareOf(src.workTree)).cacheDir : null;
    fs.mkdirSync(cache.tmpDir, { recursive: true });
    const stats = { fromSourceCache: 0, downloaded: 0 };

    /** Bring objects into the cache: from the source's cache when it has them, else the remote. */
    const obtain = async (items: TransferItem[]) => {
      const rest: TransferItem[] = [];
      for (const it of items) {
        if (hasObject(cache, it.oid)) continue;
        const local = srcCache ? objectPath(srcCache, it.oid) : null;
        if (local && fs.existsSync(local)) {
          const tmp = tempPath(cache);
          await fs.promises.copyFile(local, tmp, fs.constants.COPYFILE_FICLONE);
          if ((await hashFile(tmp)).oid === it.oid) {
            await installTempObject(cache, tmp, it.oid);
            stats.fromSourceCache++;
            continue;
          }
          await fs.promises.rm(tmp, { force: true });
        }
        rest.push(it);
      }
      if (rest.length === 0) return;
      if (!spec.remote && !config.get('core.remote')) {
        throw new DvdError('ENOREMOTE', `${spec.repo} at ${rev} has no default remote, and ${rest.length} object${rest.length === 1 ? '' : 's'} of ${want} ${src.workTree ? 'are not in its cache' : 'cannot be read without one'}`, {
          hint: 'pass -r NAME for one of its remotes, or run `dvd push` in that repository',
        });
      }
      remote ??= openCheckedRemote(src.workTree ?? path.resolve(spec.base, spec.repo), config, spec.remote, { jobs: spec.jobs, warn: (m) => ctx.log.warn(m) });
      const q = new TransferQueue({ jobs: remote.jobs, transfer: downloadInto(cache, remote.remote), progress: ctx.progress('downloading') });
      for (const it of rest) q.add(it);
      const r = await q.run();
      stats.downloaded += r.done.length;
      if (r.failed.length) throw transferFailuresError('get', r.failed, remote.remote.name);
    };

    let files: SourceFile[];
    if (ref.pointer.type === 'file') {
      files = [{ path: '', oid: ref.pointer.oid, size: ref.pointer.size, exec: ref.pointer.exec === true }];
    } else {
      await obtain([{ oid: ref.pointer.oid, size: 0, neededBy: `${rev}:${ref.pointerFile}` }]);
      const entries: ManifestEntry[] = parseManifest((await readObject(cache, ref.pointer.oid)).toString('utf8'), `${rev}:${ref.pointerFile} manifest`);
      const inner = want === ref.target || want === ref.pointerFile ? '' : want.slice(ref.target.length + 1);
      const file = inner === '' ? undefined : entries.find((e) => e.path === inner);
      if (file) files = [{ path: '', oid: file.oid, size: file.size, exec: file.exec }];
      else {
        files = entries.filter((e) => inner === '' || e.path.startsWith(`${inner}/`)).map((e) => ({ ...e, path: inner === '' ? e.path : e.path.slice(inner.length + 1) }));
        if (files.length === 0 && inner !== '') throw new DvdError('ENOTTRACKED', `${want}: no such file or folder in ${ref.target} at ${rev}`);
      }
    }
    await obtain(files.map((w) => ({ oid: w.oid, size: w.size, neededBy: `${rev}:${ref.pointerFile}${w.path ? `: ${w.path}` : ''}` })));
    const type = files.length === 1 && files[0].path === '' ? 'file' : 'dir';
    return { path: want, rev, commit, ref, type, files, ...stats };
  } finally {
    (remote as ReturnType<typeof openCheckedRemote> | null)?.remote.close();
    src.cleanup();
  }
}
