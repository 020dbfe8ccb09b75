import fs from 'node:fs';
import path from 'node:path';
import type { FlatConfig } from '../core/config.js';
import { DvdError, usageError } from '../core/errors.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { hashBuffer } from '../core/hashFile.js';
import { withLock } from '../core/lock.js';
import { installTempObject, storeFileSync, tempPath } from '../core/objects.js';
import type { Pointer } from '../core/pointer.js';
import type { Repo } from '../core/repo.js';
import { UserPaths } from '../core/userPaths.js';
import { refusedError, walkAt } from '../core/walkTarget.js';
import { parseRemoteUrl } from '../remote/remoteUrl.js';
import type { S3Remote } from '../remote/s3.js';
import { checkout, type CheckoutResult } from './checkout.js';
import { openRepo, type ApiContext } from './context.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import type { SourceFile } from './sourceData.js';
import { checkImportOut, importedPointer, recordImported } from './writeImported.js';

// `dvd import-url URL OUT`: data from outside any dvd repository, an S3 object or prefix
// (s3://bucket/key) or a local file or folder (a path or file:///path), tracked like added
// data plus a `source: url` block, so `dvd update` can look at the source again.

type UrlLocation = { kind: 's3'; bucket: string; key: string } | { kind: 'local'; abs: string };

/**
 * Where URL points; `base` resolves a relative folder path (ctx.cwd when typed, the repo
 * root when read from a pointer). Read as remote URLs are (parseRemoteUrl: schemes in
 * any case, S3 bucket rules, `~`, near misses refused with the likely fix); the key must
 * name an object or a folder, not the whole bucket. Throws a usage error (exit 2).
 */
export function parseImportUrl(url: string, base: string): UrlLocation {
  const loc = parseRemoteUrl(url, base);
  if (loc.kind === 'local') return { kind: 'local', abs: loc.dir };
  if (loc.prefix === '') throw usageError(`${url}: name an object or a folder in the bucket (s3://bucket/key)`);
  return { kind: 's3', bucket: loc.bucket, key: loc.prefix };
}

/** How the pointer names the URL: s3:// and file:// as typed, a folder path (also `~/...`) relative to the repo root. */
function recordedUrl(root: string, url: string, loc: UrlLocation): string {
  return loc.kind === 's3' || /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : path.relative(root, loc.abs).split(path.sep).join('/') || '.';
}

const IMPORT_REMOTE = 'import-url';

/**
 * An S3 remote for the URL's folder, with the connection settings (endpoint, region,
 * profile, path_style, keys) of remote `-r NAME`, else of the configured remote on the
 * same bucket (the default first), else the AWS defaults.
 */
function openS3(root: string, config: FlatConfig, loc: { bucket: string; key: string }, o: { remote?: string; jobs?: number; warn: (message: string) => void }) {
  const { remote: remoteName, jobs, warn } = o;
  const onBucket = (n: string) => new RegExp(`^s3://${loc.bucket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|$)`, 'i').test(config.get(`remote.${n}.url`) ?? '');
  const names = [...new Set([...config.keys()].map((k) => /^remote\.(.+)\.url$/.exec(k)?.[1]).filter((n): n is string => n !== undefined))];
  const dflt = config.get('core.remote');
  const settings = remoteName ?? (dflt && onBucket(dflt) ? dflt : names.sort().find(onBucket));
  if (remoteName && !config.has(`remote.${remoteName}.url`)) throw new DvdError('ENOREMOTE', `no remote named ${JSON.stringify(remoteName)}`);
  const synthetic: FlatConfig = new Map([...config].filter(([k]) => !k.startsWith(`remote.${IMPORT_REMOTE}.`)));
  if (settings) {
    for (const [k, v] of config) if (k.startsWith(`remote.${settings}.`)) synthetic.set(`remote.${IMPORT_REMOTE}.${k.slice(`remote.${settings}.`.length)}`, v);
  }
  const parent = path.posix.dirname(loc.key);
  synthetic.set(`remote.${IMPORT_REMOTE}.url`, `s3://${loc.bucket}${parent === '.' ? '' : `/${parent}`}`);
  const opened = openCheckedRemote(root, synthetic, IMPORT_REMOTE, { jobs, warn });
  return { remote: opened.remote as S3Remote, jobs: opened.jobs, name: path.posix.basename(loc.key), settings };
}

/**
 * The S3 layer names the remote it was given, here the stand-in `import-url`, which no
 * config holds: its hints (`dvd remote modify import-url profile NAME`) fail when pasted.
 * The error names the URL instead, and the hints the remote whose settings were used, or
 * the ways to give settings to an import (-r NAME, the AWS environment).
 */
function forImportUrl(err: unknown, url: string, settings: string | undefined): unknown {
  if (!(err instanceof DvdError)) return err;
  const mentions = (t: string | undefined) => t !== undefined && new RegExp(`\\b${IMPORT_REMOTE}\\b`).test(t);
  if (!mentions(err.message) && !mentions(err.hint)) return err;
  const message = err.message.replace(new RegExp(`remote ${IMPORT_REMOTE} \\([^)]*\\)`), url);
  const viaRemote = 'pass `-r NAME` to use the settings (endpoint, region, profile, keys) of one of your remotes';
  let hint = err.hint;
  if (mentions(hint)) {
    // That remote's settings can be changed; its url is not the import's.
    if (settings) hint = hint!.includes(`remote modify ${IMPORT_REMOTE} url`) ? `check the bucket in ${url}` : hint!.replaceAll(IMPORT_REMOTE, settings);
    else if (err.code === 'ENOCREDENTIALS') hint = `set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or ${viaRemote}`;
    else if (err.code === 'ENOBUCKET') hint = `check the bucket in ${url}, or ${viaRemote}`;
    else hint = viaRemote;
  }
  return new DvdError(err.code, message, { hint, data: err.data, cause: err });
}

export interface UrlSnapshot {
  type: 'file' | 'dir';
  /** What the source looks like, without reading it: S3 ETags and sizes, or sizes, mtimes and inodes. */
  stamp: string;
  /** Set when the data was read into the cache (not for `stampOnly`). */
  files?: SourceFile[];
}

const stampOf = (prefix: string, lines: string[]) => `${prefix}:sha256:${hashBuffer(lines.sort().join('\n'))}`;

/**
 * Look at the source: its stamp, and unless `stampOnly` every file hashed into the
 * cache (S3 objects are downloaded through .dvd/tmp and hashed on the way; local files
 * copied or reflinked into the cache and the copy hashed).
 */
export async function snapshotUrl(ctx: ApiContext, repo: Repo, config: FlatConfig, loc: UrlLocation, o: { remote?: string; jobs?: number; stampOnly?: boolean }): Promise<UrlSnapshot> {
  if (!o.stampOnly) fs.mkdirSync(repo.tmpDir, { recursive: true });
  if (loc.kind === 'local') {
    const st = fs.statSync(loc.abs, { throwIfNoEntry: false });
    if (!st) throw new DvdError('ENOENT', `${loc.abs}: no such file or folder`);
    if (st.isFile()) {
      // The executable bit is data (a pointer records it) but chmod leaves the mtime be,
      // so the stamp names it; only when set, so stamps of other files read as before.
      const exec = (st.mode & 0o100) !== 0;
      const stamp = `file:${st.size}:${Math.trunc(st.mtimeMs)}:${st.ino}${exec ? ':x' : ''}`;
      if (o.stampOnly) return { type: 'file', stamp };
      const { oid, size } = storeFileSync(repo, loc.abs);
      return { type: 'file', stamp, files: [{ path: '', oid, size, exec }] };
    }
    if (!st.isDirectory()) throw new DvdError('ESPECIAL', `${loc.abs}: not a regular file or folder`);
    // Walked as `dvd add` would walk it where it is: its .dvdignore files apply, other
    // tools' metadata folders are skipped, and links, fifos and untrackable names refused.
    const walk = walkAt(loc.abs, { cacheDir: repo.cacheDir, root: path.dirname(loc.abs), target: path.basename(loc.abs) });
    if (walk.refused.length) throw refusedError(walk.refused, path.basename(loc.abs), new UserPaths(path.dirname(loc.abs), ctx.cwd));
    const entries = walk.entries;
    const stamp = stampOf('dir', entries.map((e) => `${e.path}\0${e.size}\0${Math.trunc(e.mtimeMs)}\0${e.ino}${e.exec ? '\0x' : ''}`));
    if (o.stampOnly) return { type: 'dir', stamp };
    const files = entries.map((e) => ({ path: e.path, exec: e.exec, ...storeFileSync(repo, path.join(loc.abs, e.path)) }));
    return { type: 'dir', stamp, files };
  }
  const s3 = openS3(repo.root, config, loc, { remote: o.remote, jobs: o.jobs, warn: (m) => ctx.log.warn(m) });
  try {
    return await snapshotS3(ctx, repo, s3, loc, o);
  } catch (err) {
    throw forImportUrl(err, `s3://${loc.bucket}/${loc.key}`, s3.settings);
  } finally {
    s3.remote.close();
  }
}

/** The S3 half of snapshotUrl: list the object or folder, and unless stampOnly download and hash it. */
async function snapshotS3(ctx: ApiContext, repo: Repo, s3: ReturnType<typeof openS3>, loc: { bucket: string; key: string }, o: { stampOnly?: boolean }): Promise<UrlSnapshot> {
  const objects = await s3.remote.listDetailed(s3.name);
  if (objects.length === 0) throw new DvdError('ENOENT', `s3://${loc.bucket}/${loc.key}: no such object, and no objects under it`);
  const type = objects.length === 1 && objects[0].key === s3.name ? 'file' : 'dir';
  const stamp = type === 'file' ? `s3:${objects[0].etag}:${objects[0].size}` : stampOf('s3-dir', objects.map((x) => `${x.key}\0${x.etag}\0${x.size}`));
  if (o.stampOnly) return { type, stamp };
  const files: SourceFile[] = [];
  const progress = ctx.progress('downloading');
  let bytes = 0;
  try {
    await forEachParallel(objects, s3.jobs, async (x) => {
      const tmp = tempPath(repo);
      try {
        const got = await s3.remote.get(x.key, tmp, { size: x.size, onBytes: (n) => progress.update({ items: files.length, bytes: (bytes += n), totalItems: objects.length }) });
        await installTempObject(repo, tmp, got.sha256);
        files.push({ path: type === 'file' ? '' : x.key.slice(s3.name.length + 1), oid: got.sha256, size: got.bytes, exec: false });
      } finally {
        await fs.promises.rm(tmp, { force: true });
      }
    });
  } finally {
    progress.finish();
  }
  return { type, stamp, files };
}

export interface ImportUrlResult {
  target: string;
  pointerFile: string;
  pointer: Pointer;
  files: number;
  bytes: number;
  gitFiles: string[];
  staged: boolean;
  checkout: CheckoutResult;
}

/** `dvd import-url URL [OUT]`: see the top of this file. */
export async function importUrl(ctx: ApiContext, o: { url: string; out?: string; remote?: string; jobs?: number }): Promise<ImportUrlResult> {
  const { repo, config } = openRepo(ctx);
  const loc = parseImportUrl(o.url, ctx.cwd);
  const t = checkImportOut(repo, ctx.cwd, o.out ?? path.basename(loc.kind === 's3' ? loc.key : loc.abs));
  const rec = await withLock(repo, 'import-url', async () => {
    const snap = await snapshotUrl(ctx, repo, config, loc, o);
    const pointer = await importedPointer(repo, path.posix.basename(t.rel), snap.type, snap.files!, { kind: 'url', url: recordedUrl(repo.root, o.url, loc), stamp: snap.stamp });
    return { pointer, ...(await recordImported(repo, config, t.rel, pointer)) };
  });
  const co = await checkout(ctx, { targets: [t.abs] });
  return { target: t.rel, pointerFile: `${t.rel}.dvd`, pointer: rec.pointer, files: rec.pointer.files ?? 1, bytes: rec.pointer.size, gitFiles: rec.gitFiles, staged: rec.staged, checkout: co };
}
