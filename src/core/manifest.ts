import { DvdError } from './errors.js';
import { checkRelPath } from './relPath.js';
import { OID_RE } from './oid.js';

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

export function parseManifest(text: string, where: string): ManifestEntry[] {
  const lines = text.split('\n');
  if (lines[0] !== HEADER) throw new DvdError('EBADMANIFEST', `${where}: not a dvd manifest (first line ${JSON.stringify(lines[0]?.slice(0, 40))})`);
  if (lines[lines.length - 1] !== '') throw new DvdError('EBADMANIFEST', `${where}: must end with a newline`);
  const out: ManifestEntry[] = [];
  let prev: string | null = null;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i];
    const m = /^([0-9a-f]{64}) (0|[1-9][0-9]*) ([x-]) (.+)$/.exec(line);
    const at = `${where}:${i + 1}`;
    if (!m || !OID_RE.test(m[1])) throw new DvdError('EBADMANIFEST', `${at}: malformed entry ${JSON.stringify(line.slice(0, 100))}`);
    const p = checkRelPath(m[4], at);
    if (prev !== null && compareBytewise(prev, p) >= 0) throw new DvdError('EBADMANIFEST', `${at}: entries not sorted or duplicated at ${JSON.stringify(p)}`);
    prev = p;
    out.push({ oid: m[1], size: Number(m[2]), exec: m[3] === 'x', path: p });
  }
  // A file and a folder of the same name cannot both exist ("a" and "a/b").
  const names = new Set(out.map((e) => e.path));
  for (const e of out) {
    let i = e.path.indexOf('/');
    while (i !== -1) {
      if (names.has(e.path.slice(0, i))) throw new DvdError('EBADMANIFEST', `${where}: ${JSON.stringify(e.path.slice(0, i))} is both a file and a folder`);
      i = e.path.indexOf('/', i + 1);
    }
  }
  return out;
}
