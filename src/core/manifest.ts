import { DvdError } from './errors.js';
import { checkRelPath } from './relPath.js';
import { quoteText } from './quoteText.js';

// A directory's content as a canonical document; its SHA-256 is the directory's oid.
// Text, one file per line, sorted bytewise by path:
//   dvd-manifest 1
//   <oid hex> <size> <x|-> <path>
// The path is the last field so it may contain spaces; paths with newlines are refused
// at add time (checkRelPath). Text over JSON: 20,000 entries parse in a few ms and diff
// well by eye.
export interface ManifestEntry {
  path: string;
  oid: string;
  size: number;
  exec: boolean;
}

const HEADER = 'dvd-manifest 1';

/** Bytewise comparison of UTF-8 paths (JS string comparison is UTF-16, which differs past the BMP). */
export function compareBytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function sortEntries(entries: ManifestEntry[]): ManifestEntry[] {
  // Fast path: plain string order equals byte order for BMP-only strings without surrogates.
  const ascii = entries.every((e) => !/[\ud800-\udfff]/.test(e.path));
  return ascii
    ? entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    : entries.sort((a, b) => compareBytewise(a.path, b.path));
}

export function serializeManifest(entries: ManifestEntry[]): string {
  const sorted = sortEntries([...entries]);
  const parts = [HEADER];
  for (const e of sorted) parts.push(`${e.oid} ${e.size} ${e.exec ? 'x' : '-'} ${e.path}`);
  return parts.join('\n') + '\n';
}

// Hot path: status, commit and checkout parse the whole manifest of every directory
// target (100,000 entries for the `count` benchmark). Measured on 100,000 entries:
// ~400 ms before this shape, most of it a Buffer pair per sort check and three string
// slices per entry for the file-and-folder check; now the sort check compares strings
// (byte order for text without surrogates) and each folder is checked once.
export function parseManifest(text: string, where: string): ManifestEntry[] {
  const lines = text.split('\n');
  if (lines[0] !== HEADER) throw new DvdError('EBADMANIFEST', `${where}: not a dvd manifest (first line ${quoteText(lines[0] ?? '', 40)})`);
  if (lines[lines.length - 1] !== '') throw new DvdError('EBADMANIFEST', `${where}: must end with a newline`);
  // UTF-16 order equals UTF-8 byte order unless surrogate pairs (code points past the BMP) occur.
  const stringOrder = !SURROGATE_RE.test(text);
  const out: ManifestEntry[] = new Array(lines.length - 2);
  let prev: string | null = null;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i];
    const m = splitEntry(line);
    const at = `${where}:${i + 1}`;
    if (!m) throw new DvdError('EBADMANIFEST', `${at}: malformed entry ${quoteText(line, 100)}`);
    const p = checkRelPath(m.path, at);
    if (prev !== null && (stringOrder ? !(prev < p) : compareBytewise(prev, p) >= 0)) {
      throw new DvdError('EBADMANIFEST', `${at}: entries not sorted or duplicated at ${quoteText(p, 200)}`);
    }
    prev = p;
    out[i - 1] = { oid: m.oid, size: m.size, exec: m.exec, path: p };
  }
  // A file and a folder of the same name cannot both exist ("a" and "a/b"): every folder
  // that holds an entry (and each of its parents) must not also be an entry.
  const names = new Set<string>();
  for (const e of out) names.add(e.path);
  const folders = new Set<string>();
  for (const e of out) {
    const slash = e.path.lastIndexOf('/');
    if (slash === -1) continue;
    const dir = e.path.slice(0, slash);
    if (folders.has(dir)) continue;
    let i = dir.indexOf('/');
    for (;;) {
      const prefix = i === -1 ? dir : dir.slice(0, i);
      if (names.has(prefix)) throw new DvdError('EBADMANIFEST', `${where}: ${quoteText(prefix, 200)} is both a file and a folder`);
      if (i === -1) break;
      i = dir.indexOf('/', i + 1);
    }
    folders.add(dir);
  }
  return out;
}

const SURROGATE_RE = /[\ud800-\udfff]/;

/**
 * One manifest line, `<64 lowercase hex> <size without leading zeros> <x|-> <path>`, or
 * null. The same language as /^([0-9a-f]{64}) (0|[1-9][0-9]*) ([x-]) (.+)$/ (so a path
 * may not hold a line terminator), read by hand: the regex cost ~4 us per line.
 */
function splitEntry(line: string): { oid: string; size: number; exec: boolean; path: string } | null {
  if (line.length < 70 || line.charCodeAt(64) !== 32) return null;
  for (let i = 0; i < 64; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return null;
  }
  let j = 65;
  const first = line.charCodeAt(j);
  if (first === 48) j++;
  else {
    while (j < line.length && line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) j++;
    if (j === 65 || first < 49) return null;
  }
  if (line.charCodeAt(j) !== 32) return null;
  const flag = line.charCodeAt(j + 1);
  if ((flag !== 120 && flag !== 45) || line.charCodeAt(j + 2) !== 32 || j + 3 >= line.length) return null;
  const path = line.slice(j + 3);
  if (LINE_TERMINATOR_RE.test(path)) return null;
  return { oid: line.slice(0, 64), size: Number(line.slice(65, j)), exec: flag === 120, path };
}

// What `.` in a regex does not match.
const LINE_TERMINATOR_RE = /[\n\r\u2028\u2029]/;
