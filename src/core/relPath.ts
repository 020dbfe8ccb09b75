import path from 'node:path';
import { DvdError } from './errors.js';

// Every path read from a pointer, manifest or remote goes through here (DESIGN rule 4).
// Paths are POSIX-style, relative, normalized: no '', '.', '..' segments, no NUL,
// no backslash (a Windows separator would escape on Windows), no newline (manifest lines).
export function checkRelPath(p: string, where: string): string {
  const bad = (why: string) =>
    new DvdError('EBADPATH', `${where}: unsafe path ${JSON.stringify(p)}: ${why}`, { data: { path: p } });
  if (p.length === 0) throw bad('empty');
  if (p.includes('\0')) throw bad('contains NUL');
  if (p.includes('\n') || p.includes('\r')) throw bad('contains a newline');
  if (p.includes('\\')) throw bad('contains a backslash');
  if (p.startsWith('/') || /^[A-Za-z]:(\/|$)/.test(p)) throw bad('absolute paths are not allowed');
  for (const seg of p.split('/')) {
    if (seg === '..') throw bad("'..' is not allowed");
    if (seg === '' || seg === '.') throw bad('not normalized');
  }
  return p;
}

/** Join a checked relative path onto a base directory and prove the result stays inside it. */
export function resolveInside(base: string, rel: string, where: string): string {
  checkRelPath(rel, where);
  const full = path.join(base, ...rel.split('/'));
  const back = path.relative(base, full);
  if (back.startsWith('..') || path.isAbsolute(back)) {
    throw new DvdError('EBADPATH', `${where}: path ${JSON.stringify(rel)} resolves outside ${base}`);
  }
  return full;
}

/** Repo-relative POSIX path for an absolute path, or null when it lies outside root. */
export function toRepoPath(root: string, abs: string): string | null {
  const rel = path.relative(root, abs);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}
