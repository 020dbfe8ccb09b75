import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from './errors.js';
import { parsePointer, serializePointer, type Pointer } from './pointer.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/**
 * Write a pointer file atomically; returns false (and writes nothing) when it already
 * says the same: a CRLF or newline-less copy (core.autocrlf, an editor) that parses to
 * this pointer is left alone, so an unchanged commit never churns files Git tracks.
 */
export function writePointer(root: string, pointerFile: string, pointer: Pointer): boolean {
  const file = path.join(root, pointerFile);
  const text = serializePointer(pointer);
  let old: string | null = null;
  try {
    old = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  if (old === text || (old !== null && sameAs(old, text, pointerFile))) return false;
  writeFileAtomic(file, text);
  return true;
}

function sameAs(oldText: string, text: string, pointerFile: string): boolean {
  try {
    return serializePointer(parsePointer(oldText, pointerFile)) === text;
  } catch (err) {
    // Unreadable: replacing it is what re-adding is for.
    if (err instanceof DvdError && err.code === 'EBADPOINTER') return false;
    throw err;
  }
}
