import path from 'node:path';
import { DvdError } from './errors.js';
import { quoteText } from './quoteText.js';

// Every path read from a pointer, manifest or remote goes through here (DESIGN rule 4).
// Paths are POSIX-style, relative, normalized: no '', '.', '..' segments, no NUL,
// no backslash (a Windows separator would escape on Windows), no newline (manifest lines).
export function checkRelPath(p: string, where: string): string {
  if (isPlainRelPath(p)) return p;
  const bad = (why: string) =>
    new DvdError('EBADPATH', `${where}: unsafe path ${quoteText(p, 200)}: ${why}`, { data: { path: p } });
  if (p.length === 0) throw bad('empty');
  if (p.includes('\0')) throw bad('contains NUL');
  if (p.includes('\n') || p.includes('\r')) throw bad('contains a newline');
  if (p.includes('\u2028') || p.includes('\u2029')) throw bad('contains a Unicode line separator');
  if (p.includes('\\')) throw bad('contains a backslash');
  if (p.startsWith('/') || /^[A-Za-z]:(\/|$)/.test(p)) throw bad('absolute paths are not allowed');
  for (const seg of p.split('/')) {
    if (seg === '..') throw bad("'..' is not allowed");
    if (seg === '' || seg === '.') throw bad('not normalized');
  }
  return p;
}

// Hot path: every manifest entry passes here when status, commit or checkout load a
// manifest (100,000 per run for the `count` benchmark), where checkRelPath's full checks
// cost ~3 us a path (four scans, a regex and a split). One pass over the characters
// accepts the ordinary path; anything unusual falls through to the full checks, which
// decide and name the reason.
function isPlainRelPath(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) === 47 /* / */ || (n > 1 && p.charCodeAt(1) === 58) /* X: */) return false;
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 47 : p.charCodeAt(i);
    if (c === 47) {
      const len = i - segStart;
      if (len === 0) return false;
      if (p.charCodeAt(segStart) === 46 /* . */ && (len === 1 || (len === 2 && p.charCodeAt(segStart + 1) === 46))) return false;
      segStart = i + 1;
    } else if (c === 0 || c === 10 || c === 13 || c === 92 /* \\ */ || c === 0x2028 || c === 0x2029) {
      return false;
    }
  }
  return true;
}

/** Join a checked relative path onto a base directory and prove the result stays inside it. */
export function resolveInside(base: string, rel: string, where: string): string {
  checkRelPath(rel, where);
  const full = path.join(base, ...rel.split('/'));
  const back = path.relative(base, full);
  if (back.startsWith('..') || path.isAbsolute(back)) {
    throw new DvdError('EBADPATH', `${where}: path ${quoteText(rel, 200)} resolves outside ${base}`);
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

/**
 * The repo-relative POSIX path of a path typed on the command line (relative to `cwd`).
 * Every command resolves its path arguments here so the errors read alike: an empty
 * argument (often a shell variable that expanded to nothing) is a usage error (exit 2),
 * not the current folder; a path outside the repository is EOUTSIDE (exit 1).
 */
export function typedRepoPath(root: string, cwd: string, arg: string): string {
  if (arg === '') throw new DvdError('EUSAGE', 'empty path ("")', { exitCode: 2, hint: 'name a path; `.` is the current folder' });
  const rel = toRepoPath(root, path.resolve(cwd, arg));
  if (rel === null) throw new DvdError('EOUTSIDE', `${arg}: outside the repository ${root}`);
  return rel;
}
