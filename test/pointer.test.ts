import { describe, expect, it } from 'vitest';
import { parsePointer, serializePointer } from '../src/core/pointer.js';
import { parseManifest, serializeManifest } from '../src/core/manifest.js';
import { checkRelPath, resolveInside } from '../src/core/relPath.js';

const OID = 'a'.repeat(64);
const good = `path: images\ntype: dir\noid: sha256:${OID}\nsize: 2048000000\nfiles: 20000\n`;

describe('pointer', () => {
  it('round-trips byte for byte', () => {
    const p = parsePointer(good, 'data/images.dvd');
    expect(p).toEqual({ path: 'images', type: 'dir', oid: OID, size: 2048000000, files: 20000 });
    expect(serializePointer(p)).toBe(good);
    const file = `path: model.bin\ntype: file\noid: sha256:${OID}\nsize: 7\n`;
    expect(serializePointer(parsePointer(file, 'model.bin.dvd'))).toBe(file);
  });

  it('quotes names YAML would misread and reads them back', () => {
    for (const name of ['with space', 'a:b', '#x', 'yes', '123', 'ünïcode']) {
      const text = serializePointer({ path: name, type: 'file', oid: OID, size: 1 });
      expect(parsePointer(text, 'x.dvd').path).toBe(name);
    }
  });

  const bad: [string, string, RegExp][] = [
    ['conflict markers', `<<<<<<< HEAD\n${good}=======\n${good}>>>>>>> other\n`, /x\.dvd:1: has unresolved Git conflict markers/],
    ['unknown type', good.replace('type: dir', 'type: link'), /x\.dvd:2: type: unknown type "link"/],
    ['bad oid', good.replace(`sha256:${OID}`, 'sha256:xyz'), /x\.dvd:3: oid: bad oid/],
    ['uppercase oid', good.replace(OID, OID.toUpperCase()), /oid: bad oid/],
    ['dotdot path', good.replace('path: images', 'path: ..'), /x\.dvd:1: path: .*'\.\.' is not allowed/],
    ['absolute path', good.replace('path: images', 'path: /etc'), /path: .*absolute/],
    ['nested path', good.replace('path: images', 'path: a/b'), /path: .*no '\/'/],
    ['quoted traversal', good.replace('path: images', 'path: "../x"'), /'\.\.' is not allowed/],
    ['unknown field', good + 'extra: 1\n', /unknown field/],
    ['out of order', good.replace('path: images\ntype: dir\n', 'type: dir\npath: images\n'), /out of order/],
    ['missing files', good.replace('files: 20000\n', ''), /files: missing/],
    ['files on a file', good.replace('type: dir', 'type: file'), /files: only allowed for type dir/],
    ['negative size', good.replace('size: 2048000000', 'size: -1'), /size: not a non-negative integer/],
    ['garbage', 'hello world\n', /cannot parse line/],
  ];
  for (const [name, text, re] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parsePointer(text, 'x.dvd')).toThrow(re);
    });
  }
});

describe('manifest', () => {
  const entries = [
    { path: 'b/x', oid: 'b'.repeat(64), size: 2, exec: true },
    { path: 'a b', oid: 'a'.repeat(64), size: 1, exec: false },
    { path: 'a', oid: 'c'.repeat(64), size: 0, exec: false },
  ];
  it('is canonical: sorted bytewise, stable bytes, parses back', () => {
    const text = serializeManifest(entries);
    expect(text.split('\n')[1].endsWith(' a')).toBe(true);
    expect(serializeManifest([...entries].reverse())).toBe(text);
    expect(parseManifest(text, 'm')).toEqual([entries[2], entries[1], entries[0]]);
  });
  it('rejects entries that escape the target, duplicates and unsorted input', () => {
    const h = 'dvd-manifest 1\n';
    expect(() => parseManifest(`${h}${OID} 1 - ../etc/passwd\n`, 'm')).toThrow(/'\.\.' is not allowed/);
    expect(() => parseManifest(`${h}${OID} 1 - /etc/passwd\n`, 'm')).toThrow(/absolute/);
    expect(() => parseManifest(`${h}${OID} 1 - b\n${OID} 1 - a\n`, 'm')).toThrow(/not sorted/);
    expect(() => parseManifest(`${h}${OID} 1 - a\n${OID} 1 - a\n`, 'm')).toThrow(/not sorted or duplicated/);
    expect(() => parseManifest(`${h}${OID} 1 - a\n${OID} 1 - a/b\n`, 'm')).toThrow(/both a file and a folder/);
    expect(() => parseManifest(`${h}${OID} x - a\n`, 'm')).toThrow(/malformed entry/);
  });
});

describe('relPath', () => {
  it('accepts normal relative paths and rejects escapes', () => {
    expect(checkRelPath('a/b c/d.txt', 't')).toBe('a/b c/d.txt');
    for (const p of ['', '/a', 'a/../b', '..', 'a//b', './a', 'a/', 'a\0b', 'C:/x', 'C:', 'a\\b', 'a\nb']) {
      expect(() => checkRelPath(p, 't'), p).toThrow();
    }
    expect(resolveInside('/base', 'x/y', 't')).toBe('/base/x/y');
  });
});
