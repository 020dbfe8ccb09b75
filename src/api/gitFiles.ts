import fs from 'node:fs';
import path from 'node:path';
import { configBool, loadConfig, type FlatConfig } from '../core/config.js';
import type { GitTracked } from '../core/findPointers.js';
import { findGitRoot } from '../git/findGitRoot.js';
import { gitIndexChecker } from '../git/isTrackedByGit.js';
import { gitTrackedSync } from '../git/gitTrackedSync.js';
import { stageFiles } from '../git/stageFiles.js';
import { dvdShareOf } from './context.js';

// What dvd tells the user to do in Git after it wrote or removed pointers and .gitignore
// files, so that the printed command works when pasted.

/**
 * Whether this repository versions its pointers with Git: there is a Git work tree
 * around it and it was not made with `dvd init --no-scm` (core.no_scm). Without Git,
 * dvd writes no .gitignore lines and prints no `git add` advice.
 */
export function usesGit(root: string, config: FlatConfig): boolean {
  return !configBool(config, 'core.no_scm', false) && findGitRoot(root) !== null;
}

/**
 * Of the repo-relative files dvd wrote or removed, those `git add` accepts: files that
 * exist, and removed ones Git's index still has (`git add` stages the removal). A pointer
 * that was never committed and is now gone is left out: naming it makes `git add` fail
 * ("pathspec did not match"). Empty without Git (usesGit).
 */
export async function gitFilesToRecord(root: string, config: FlatConfig, files: string[]): Promise<string[]> {
  if (!usesGit(root, config)) return [];
  const gone = files.filter((f) => !fs.existsSync(path.join(root, ...f.split('/'))));
  if (gone.length === 0) return files;
  const inIndex = await gitIndexChecker(root);
  return files.filter((f) => !gone.includes(f) || inIndex(f));
}

/**
 * For findPointers: which files Git tracks, to word a fix as `git rm` or `rm` (nothing is
 * tracked without Git). Asked only when such a fix is printed, so the config is read then.
 */
export function gitTrackedLookup(root: string): GitTracked {
  return (files) => (usesGit(root, loadConfig(root, dvdShareOf(root))) ? gitTrackedSync(root, files) : new Set());
}

/**
 * After a command changed pointers and .gitignore files: with `core.autostage` they are
 * staged, otherwise `gitFiles` are those the printed `git add` may name (gitFilesToRecord).
 */
export async function recordInGit(root: string, config: FlatConfig, files: string[]): Promise<{ gitFiles: string[]; staged: boolean }> {
  const gitFiles = await gitFilesToRecord(root, config, [...new Set(files)]);
  const staged = gitFiles.length > 0 && configBool(config, 'core.autostage', false);
  if (staged) await stageFiles(root, gitFiles);
  return { gitFiles, staged };
}
