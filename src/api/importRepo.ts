import path from 'node:path';
import type { Pointer } from '../core/pointer.js';
import { withLock } from '../core/lock.js';
import { isUrl } from '../git/openSourceRepo.js';
import { checkout, type CheckoutResult } from './checkout.js';
import { openRepo, type ApiContext } from './context.js';
import { defaultOutName, fetchSourceData, normalizeSourcePath, type SourceSpec } from './sourceData.js';
import { checkImportOut, importedPointer, recordImported } from './writeImported.js';

export interface ImportOptions extends SourceSpec {
  /** Where the data goes; default: the last part of PATH, in ctx.cwd. */
  out?: string;
}

export interface ImportResult {
  target: string;
  pointerFile: string;
  pointer: Pointer;
  rev: string;
  commit: string;
  files: number;
  bytes: number;
  fromSourceCache: number;
  downloaded: number;
  gitFiles: string[];
  staged: boolean;
  checkout: CheckoutResult;
}

/** How the pointer names the source repository: a URL as typed, a local path relative to the repo root. */
export function recordedRepo(root: string, cwd: string, repo: string): string {
  return isUrl(repo) ? repo : path.relative(root, path.resolve(cwd, repo)).split(path.sep).join('/') || '.';
}

/**
 * `dvd import REPO PATH`: `dvd get`, but into this repository's cache and workspace, with
 * a pointer that records the source (repository, path, --rev, resolved commit) so that
 * `dvd update` can follow the source and `dvd pull` can fetch from it.
 */
export async function importRepo(ctx: ApiContext, o: ImportOptions): Promise<ImportResult> {
  const { repo, config } = openRepo(ctx);
  const want = normalizeSourcePath(o.path);
  const t = checkImportOut(repo, ctx.cwd, o.out ?? defaultOutName(want));
  const recorded = await withLock(repo, 'import', async () => {
    const data = (await fetchSourceData(ctx, { ...o, path: want, base: ctx.cwd }, repo))!;
    const source = { kind: 'git' as const, repo: recordedRepo(repo.root, ctx.cwd, o.repo), path: data.path, ...(o.rev !== undefined ? { rev: o.rev } : {}), commit: data.commit };
    const pointer = await importedPointer(repo, path.posix.basename(t.rel), data.type, data.files, source);
    return { data, pointer, ...(await recordImported(repo, config, t.rel, pointer)) };
  });
  const co = await checkout(ctx, { targets: [t.abs] });
  const { data, pointer } = recorded;
  return {
    target: t.rel,
    pointerFile: `${t.rel}.dvd`,
    pointer,
    rev: data.rev,
    commit: data.commit,
    files: data.files.length,
    bytes: pointer.size,
    fromSourceCache: data.fromSourceCache,
    downloaded: data.downloaded,
    gitFiles: recorded.gitFiles,
    staged: recorded.staged,
    checkout: co,
  };
}
