import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from './errors.js';
import { serializePointer, type Pointer } from './pointer.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/** Write a pointer file atomically; returns false (and writes nothing) when unchanged. */
export function writePointer(root: string, pointerFile: string, pointer: Pointer): boolean {
  const file = path.join(root, pointerFile);
  const text = serializePointer(pointer);
  let old: string | null = null;
  try {
    old = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  if (old === text) return false;
  writeFileAtomic(file, text);
  return true;
}
