import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { gitignoreEntry } from './gitignoreEntry.js';

/** Path of the .gitignore in repo folder `dirRel` ('' or '.' for the root). */
export function gitignorePath(root: string, dirRel: string): string {
  return dirRel === '' || dirRel === '.' ? path.join(root, '.gitignore') : path.join(root, ...dirRel.split('/'), '.gitignore');
}

export function readLines(file: string): string[] | null {
  try {
    return fs.readFileSync(file, 'utf8').split('\n');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

/**
 * Make `<dirRel>/.gitignore` ignore `entry` (a name in that folder; written as `/name`).
 * Creates the file if needed, never duplicates the line, keeps the user's other lines and
 * a trailing newline. Returns true when the file changed.
 */
export function addToGitignore(root: string, dirRel: string, entry: string): boolean {
  const file = gitignorePath(root, dirRel);
  const line = gitignoreEntry(entry);
  const lines = readLines(file);
  if (lines === null) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${line}\n`);
    return true;
  }
  if (lines.some((l) => l.replace(/\r$/, '') === line)) return false;
  const text = lines.join('\n');
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileAtomic(file, `${text}${sep}${line}\n`);
  return true;
}
