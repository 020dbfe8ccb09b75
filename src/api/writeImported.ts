import fs from 'node:fs';
import path from 'node:path';
import type { FlatConfig } from '../core/config.js';
import type { ImportSource } from '../core/importSource.js';
import { serializeManifest, sortEntries } from '../core/manifest.js';
import { storeBuffer } from '../core/objects.js';
import { POINTER_EXT, type Pointer } from '../core/pointer.js';
import type { Repo } from '../core/repo.js';
import { writePointer } from '../core/writePointer.js';
import { addToGitignore } from '../git/addToGitignore.js';
import { UserPaths } from '../core/userPaths.js';
import { checkNewTarget } from './checkNewTarget.js';
import { recordInGit, usesGit } from './gitFiles.js';
import { resolveTargets, type ResolvedTarget } from './resolveTargets.js';
import type { SourceFile } from './sourceData.js';

// What `dvd import` and `dvd import-url` share once the objects are in the cache: check
// where the data goes, build its pointer (a manifest for a folder), record it.

/** OUT for an import: inside the repository, a new target dvd can record (checkNewTarget.ts). */
export function checkImportOut(repo: Repo, cwd: string, out: string): ResolvedTarget {
  const [t] = resolveTargets(repo.root, cwd, [out]);
  const hint = fs.existsSync(`${t.abs}${POINTER_EXT}`) ? 'to follow the source, use `dvd update`' : 'pass -o with a new path, or remove it first';
  checkNewTarget(repo.root, t, new UserPaths(repo.root, cwd), hint);
  return t;
}

/** The pointer of imported data whose objects are in the cache; a folder's manifest is stored too. */
export async function importedPointer(repo: Repo, name: string, type: 'file' | 'dir', files: SourceFile[], source: ImportSource): Promise<Pointer> {
  const size = files.reduce((s, f) => s + f.size, 0);
  // A single file's executable bit is recorded as `dvd add` records it (exec: true).
  if (type === 'file') return { path: name, type, oid: files[0].oid, size, ...(files[0].exec ? { exec: true as const } : {}), source };
  const oid = await storeBuffer(repo, serializeManifest(sortEntries(files.map((f) => ({ path: f.path, oid: f.oid, size: f.size, exec: f.exec })))));
  return { path: name, type, oid, size, files: files.length, source };
}

/** Write the pointer and the .gitignore line (staged with core.autostage). Returns the files Git should record. */
export async function recordImported(repo: Repo, config: FlatConfig, target: string, pointer: Pointer): Promise<{ gitFiles: string[]; staged: boolean }> {
  const dir = path.posix.dirname(target);
  const dirRel = dir === '.' ? '' : dir;
  fs.mkdirSync(path.join(repo.root, dirRel), { recursive: true });
  writePointer(repo.root, `${target}${POINTER_EXT}`, pointer);
  if (usesGit(repo.root, config)) addToGitignore(repo.root, dirRel, path.posix.basename(target));
  return recordInGit(repo.root, config, [`${target}${POINTER_EXT}`, dirRel === '' ? '.gitignore' : `${dirRel}/.gitignore`]);
}
