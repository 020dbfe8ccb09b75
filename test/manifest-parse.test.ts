import { describe, expect, it } from 'vitest';
import { compareBytewise, parseManifest, serializeManifest, type ManifestEntry } from '../src/core/manifest.js';
import { checkRelPath } from '../src/core/relPath.js';

// parseManifest reads lines by hand (bench: the regex was its biggest cost); these tests
// hold it to the grammar it replaced, /^([0-9a-f]{64}) (0|[1-9][0-9]*) ([x-]) (.+)$/.
const LINE_RE = /^([0-9a-f]{64}) (0|[1-9][0-9]*) ([x-]) (.+)$/;
const OID = 'a'.repeat(64);
const H = 'dvd-manifest 1\n';

function oldAccepts(line: string): boolean {
  const m = LINE_RE.exec(line);
  if (!m) return false;
  try {
    checkRelPath(m[4], 'x');
    return true;
  } catch {
    return false;
  }
}

function newAccepts(line: string): boolean {
  try {
    parseManifest(`${H}${line}\n`, 'm');
    return true;
  } catch {
    return false;
  }
}

// checkRelPath as it was before its one-pass fast path: the oracle for the fuzz below.
function oldCheckRelPath(p: string): boolean {
  if (p.length === 0 || p.includes('\0') || p.includes('\n') || p.includes('\r') || p.includes('\\')) return false;
  if (p.startsWith('/') || /^[A-Za-z]:(\/|$)/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '..' && seg !== '' && seg !== '.');
}

describe('checkRelPath fast path', () => {
  it('accepts exactly what the full checks accept', () => {
    const cases = ['a', 'a/b', '.a', 'a.', '..a', 'a..', 'a/.b/c', '.', '..', 'a/.', 'a/..', './a', '../a', 'a//b', 'a/', '/a', '',
      'C:', 'C:/x', 'C:x', 'c:/', '1:/a', 'a:b', 'a\\b', 'a\0', 'a\nb', 'a\rb', 'é/😀', 'a b/c d', '...', 'a/.../b'];
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const alphabet = ['a', 'Z', '.', '/', ':', '\\', '\0', '\n', ' ', 'é'];
    for (let k = 0; k < 5000; k++) {
      let s = '';
      for (let i = 0, n = rnd(7); i < n; i++) s += alphabet[rnd(alphabet.length)];
      cases.push(s);
    }
    for (const p of cases) {
      let ok = true;
      try {
        checkRelPath(p, 'x');
      } catch {
        ok = false;
      }
      expect([p, ok]).toEqual([p, oldCheckRelPath(p)]);
    }
  });
});

describe('parseManifest line grammar', () => {
  it('accepts and rejects exactly what the regex did', () => {
    const cases = [
      `${OID} 0 - a`, `${OID} 10 x a/b c`, `${OID} 01 - a`, `${OID} 1 - `, `${OID}  1 - a`, `${OID} 1 y a`,
      `${OID} 1 -a`, `${OID} -1 - a`, `${OID} 1.5 - a`, `${'A'.repeat(64)} 1 - a`, `${'g'.repeat(64)} 1 - a`,
      `${OID.slice(1)} 1 - a`, `${OID}0 1 - a`, `${OID} 1 - a\r`, `${OID} 1 - a\u2028b`, `${OID} 1 - a\u2029`,
      `${OID} 123456789012 x d/e/f.bin`, `${OID} 1 - ü/😀`, `${OID} 1 - a b`, `${OID} 1 -  a`, `${OID} x - a`,
      `${OID} 1 - ./a`, `${OID} 1 - a//b`, `${OID} 1 - ../a`, `${OID} 1 - /a`, `${OID} 1 - a\\b`, `${OID}`, '',
    ];
    // Random mutations of a good line cover what the list misses.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const alphabet = ['0', '1', '9', 'a', 'f', 'g', 'A', ' ', '-', 'x', '/', '.', '\r', '\u2028', 'é', '😀'];
    for (let k = 0; k < 3000; k++) {
      const chars = [...`${OID} ${rnd(2) ? '0' : '17'} ${rnd(2) ? 'x' : '-'} d/f${rnd(9)}`];
      for (let e = 0; e < 1 + rnd(3); e++) {
        const at = rnd(chars.length + 1);
        const op = rnd(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]);
        else chars[at] = alphabet[rnd(alphabet.length)];
      }
      cases.push(chars.join(''));
    }
    for (const line of cases) expect([line, newAccepts(line)]).toEqual([line, oldAccepts(line)]);
  });

  it('keeps bytewise order for paths past the BMP', () => {
    // UTF-16 puts U+1F600 (a surrogate pair) before U+FFFD; UTF-8 bytes put it after.
    expect(compareBytewise('\uFFFD', '😀')).toBeLessThan(0);
    expect(parseManifest(`${H}${OID} 1 - \uFFFD\n${OID} 1 - 😀\n`, 'm').map((e) => e.path)).toEqual(['\uFFFD', '😀']);
    expect(() => parseManifest(`${H}${OID} 1 - 😀\n${OID} 1 - \uFFFD\n`, 'm')).toThrow(/not sorted/);
    expect(() => parseManifest(`${H}${OID} 1 - b\n${OID} 1 - a\n`, 'm')).toThrow(/not sorted/);
  });

  it('finds a file that is also a folder at any depth, past entries in between', () => {
    expect(() => parseManifest(`${H}${OID} 1 - a/b\n${OID} 1 - a/b-c\n${OID} 1 - a/b/c/d\n`, 'm')).toThrow(/"a\/b" is both a file and a folder/);
    expect(() => parseManifest(`${H}${OID} 1 - x\n${OID} 1 - x-y/z\n${OID} 1 - x/y/z\n`, 'm')).toThrow(/"x" is both/);
    expect(parseManifest(`${H}${OID} 1 - a/b-c\n${OID} 1 - a/b/c\n${OID} 1 - a/b/d\n`, 'm')).toHaveLength(3);
  });

  it('round-trips 20,000 entries', () => {
    const entries: ManifestEntry[] = [];
    for (let i = 0; i < 20_000; i++) {
      entries.push({ path: `d${Math.floor(i / 1000)}/s${Math.floor(i / 100) % 10}/f${i}.bin`, oid: i.toString(16).padStart(64, '0'), size: i, exec: i % 7 === 0 });
    }
    const text = serializeManifest(entries);
    const back = parseManifest(text, 'm');
    expect(serializeManifest(back)).toBe(text);
    expect(back).toHaveLength(20_000);
  });
});
