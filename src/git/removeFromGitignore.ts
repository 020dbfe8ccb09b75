import fs from 'node:fs';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { gitignoreEntry } from './gitignoreEntry.js';
import { gitignorePath, readLines } from './addToGitignore.js';

/**
 * Undo addToGitignore (for `dvd untrack`): drop the `/name` line from
 * `<dirRel>/.gitignore`. Other lines stay as they are; a file left empty is removed,
 * since dvd created it. Returns true when the file changed.
 */
export function removeFromGitignore(root: string, dirRel: string, entry: string): boolean {
  const file = gitignorePath(root, dirRel);
  const line = gitignoreEntry(entry);
  const lines = readLines(file);
  if (lines === null) return false;
  const kept = lines.filter((l) => l.replace(/\r$/, '') !== line);
  if (kept.length === lines.length) return false;
  const text = kept.join('\n');
  if (text.trim() === '') fs.rmSync(file, { force: true });
  else writeFileAtomic(file, text);
  return true;
}
