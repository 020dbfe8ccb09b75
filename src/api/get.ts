import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { workspaceMode } from '../core/fileMode.js';
import { objectPath } from '../core/objectPath.js';
import { resolveInside } from '../core/relPath.js';
import { repoAt } from '../core/repo.js';
import type { ApiContext } from './context.js';
import { defaultOutName, fetchSourceData, normalizeSourcePath, type SourceSpec } from './sourceData.js';

export interface GetOptions extends SourceSpec {
  /** Where to write; default: the last segment of `path`, in ctx.cwd. */
  out?: string;
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

/**
 * `dvd get`: download tracked data from another repository (at a revision) into OUT,
 * without making the current folder a dvd repository. Objects come from the source's
 * own cache when it is a local work tree, else from its default remote; every object is
 * verified, and OUT appears only once complete.
 */
export async function get(ctx: ApiContext, o: GetOptions): Promise<GetResult> {
  const want = normalizeSourcePath(o.path);
  const outAbs = path.resolve(ctx.cwd, o.out ?? defaultOutName(want));
  if (fs.existsSync(outAbs)) {
    throw new DvdError('EEXIST', `${o.out ?? path.basename(outAbs)}: already exists; dvd get does not overwrite`, { hint: 'pass -o with a new path, or remove it first' });
  }
  if (!fs.statSync(path.dirname(outAbs), { throwIfNoEntry: false })?.isDirectory()) {
    throw new DvdError('ENOENT', `${o.out}: folder ${path.dirname(outAbs)} does not exist`, { hint: 'create it first, or pass another -o' });
  }
  // A private cache beside OUT; the result is built there, then renamed into place.
  const tmpRoot = fs.mkdtempSync(path.join(path.dirname(outAbs), '.dvd-get-'));
  try {
    const cache = repoAt(tmpRoot);
    const data = (await fetchSourceData(ctx, { ...o, path: want, base: ctx.cwd }, cache))!;
    const staging = path.join(tmpRoot, 'out');
    if (data.type === 'file') {
      await fs.promises.copyFile(objectPath(cache.cacheDir, data.files[0].oid), staging, fs.constants.COPYFILE_FICLONE);
      await fs.promises.chmod(staging, workspaceMode(data.files[0].exec));
    } else {
      fs.mkdirSync(staging);
      for (const w of data.files) {
        const dest = resolveInside(staging, w.path, `${data.rev}:${data.ref.pointerFile} manifest`);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        await fs.promises.copyFile(objectPath(cache.cacheDir, w.oid), dest, fs.constants.COPYFILE_FICLONE);
        await fs.promises.chmod(dest, workspaceMode(w.exec));
      }
    }
    fs.renameSync(staging, outAbs);
    return {
      repo: o.repo,
      rev: data.rev,
      commit: data.commit,
      path: want,
      out: outAbs,
      type: data.type,
      files: data.files.length,
      bytes: data.files.reduce((s, w) => s + w.size, 0),
      fromSourceCache: data.fromSourceCache,
      downloaded: data.downloaded,
    };
  } finally {
    // Cache objects are read-only files; the folder itself is ours to remove.
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}
