import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { readLines } from './addToGitignore.js';

/**
 * Pointers are LF text in every clone: without it a clone made with core.autocrlf=true
 * (Git for Windows' default) checks them out with CRLF. dvd reads those too (pointer.ts),
 * but other tools and diffs should see what dvd wrote. Written by `dvd init` and
 * `dvd install`; `dvd install --uninstall` keeps it.
 */
export const POINTER_EOL_LINE = '*.dvd text eol=lf';

/** Add `line` to `<root>/.gitattributes` once (creating it, keeping a trailing newline). Returns true when changed. */
export function addGitattributesLine(root: string, line: string): boolean {
  const file = path.join(root, '.gitattributes');
  const lines = readLines(file);
  if (lines === null) {
    writeFileAtomic(file, `${line}\n`);
    return true;
  }
  if (lines.some((l) => l.trim() === line)) return false;
  const text = lines.join('\n');
  writeFileAtomic(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
  return true;
}

/** Remove `line` from `<root>/.gitattributes`; a file left empty is deleted. Returns true when changed. */
export function removeGitattributesLine(root: string, line: string): boolean {
  const file = path.join(root, '.gitattributes');
  const lines = readLines(file);
  if (lines === null) return false;
  const kept = lines.filter((l) => l.trim() !== line);
  if (kept.length === lines.length) return false;
  const text = kept.join('\n');
  if (text.trim() === '') fs.rmSync(file);
  else writeFileAtomic(file, text);
  return true;
}
