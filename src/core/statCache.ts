import fs from 'node:fs';
import path from 'node:path';
import { hashBuffer } from './hashFile.js';
import { isErrno } from './errors.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import type { Repo } from './repo.js';

// The stat cache: for each file of a tracked target, the (inode, size, mtime) at which
// we last knew its oid, so an unchanged file is never hashed twice, and the oid of the
// manifest those files make (the "tree oid"), so an unchanged folder needs no manifest
// built and hashed either. One binary file per target under .dvd/state/, read with one
// read into typed arrays (layout below). Entries are kept in walk order (walkTarget.ts:
// full paths in UTF-16 code unit order), so the walk finds each file's entry at the
// cursor, and no Map of a million strings is built.
//
// Measured on 100,000 files (`dvd status`, nothing changed): the earlier text format
// (`<ino> <size> <mtime> <oid> <path>` lines into a Map) cost 145 ms to load and 46 ms
// of lookups, and building and hashing the manifest 57 ms more; numbers for this one are
// in bench/results.md ("Speed at scale").
export interface StatEntry {
  ino: number;
  size: number;
  mtimeMs: number;
  oid: string;
  /** The executable bit the walk saw; undefined when the writer did not say (checkout). */
  exec?: boolean;
}

/** What lookup and record need of a file's stat. */
export interface StatKey {
  ino: number;
  size: number;
  mtimeMs: number;
  exec?: boolean;
}

/** A walked file as matchesAll and setTree see it (walkTarget.ts WalkEntry). */
export interface TreeFile extends StatKey {
  path: string;
  exec: boolean;
  execUnknown?: boolean;
  linkOid?: string;
}

// Git's "racy clean" rule: a file whose mtime is not clearly older than the moment the
// state was saved could have been modified again within the same timestamp tick
// without its stat changing. Such entries are distrusted on load (hashed once more by
// the next run, which then records them as settled), and a tree oid is never trusted
// while any of its entries is. The margin covers Linux's coarse mtime clock (one jiffy,
// 4-10 ms) with room to spare; file systems with 2 s mtimes (FAT) are not supported for
// workspaces.
const RACY_MS = 100;

// File layout, header little-endian, columns in the machine's order, each aligned:
//   0  "dvdstat3"                      8 bytes
//   8  count N                         u32
//  12  target name length T (bytes)    u32
//  16  savedAt (ms since epoch)        f64
//  24  tree oid (zeros: none)          32 bytes
//  56  paths length P (UTF-8 bytes)    u32
//  60  flags of the file               u32 (bit 0: tree oid set)
//  64  target name                     T bytes, then padding to 8
//      ino[N], size[N], mtimeMs[N]     f64 each
//      offsets[N + 1]                  u32: UTF-16 offsets of each path in the path string
//      oids                            32 x N bytes
//      flags[N]                        u8: bit 0 exec, bit 1 exec known
//      paths                           P bytes of UTF-8, all paths joined
const MAGIC = 'dvdstat3';
const HEADER = 64;
const F_EXEC = 1;
const F_EXEC_KNOWN = 2;
const ZERO_OID = Buffer.alloc(32);

const pad8 = (n: number) => (n + 7) & ~7;

/** The loaded arrays; an empty state has count 0. */
interface Columns {
  count: number;
  ino: Float64Array;
  size: Float64Array;
  mtime: Float64Array;
  offsets: Uint32Array;
  oids: Buffer;
  flags: Uint8Array;
  /** Every path, joined, sliced by `offsets`. */
  paths: string;
}

const EMPTY: Columns = {
  count: 0,
  ino: new Float64Array(0),
  size: new Float64Array(0),
  mtime: new Float64Array(0),
  offsets: new Uint32Array(1),
  oids: Buffer.alloc(0),
  flags: new Uint8Array(0),
  paths: '',
};

/** Walk order (walkTarget.ts): UTF-16 code unit order of the full target-relative paths. */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** comparePaths(path of entry i, p) without slicing the path out. */
function compareAt(c: Columns, i: number, p: string): number {
  const start = c.offsets[i];
  const len = c.offsets[i + 1] - start;
  const m = Math.min(len, p.length);
  for (let j = 0; j < m; j++) {
    const d = c.paths.charCodeAt(start + j) - p.charCodeAt(j);
    if (d !== 0) return d;
  }
  return len - p.length;
}

export class StatCache {
  private readonly cols: Columns;
  /** Entries of `cols` that are forgotten or replaced (by `changed`). */
  private dead: Uint8Array | null = null;
  /** Entries recorded since the load. */
  private readonly changed = new Map<string, StatEntry>();
  /** Entries of `cols` that are racy (see RACY_MS): never trusted. */
  private readonly racy: Uint8Array;
  private cursor = 0;
  private tree: string | undefined;
  /** setTree or adoptTree was the last change: the saved state carries the tree oid. */
  private treeSet = false;
  private dirty = false;

  private constructor(
    private readonly file: string,
    cols: Columns,
    /** When the loaded file was saved (ms since epoch; 0 when there was none). */
    private readonly savedAt: number,
    tree: string | undefined,
  ) {
    this.cols = cols;
    this.racy = new Uint8Array(cols.count);
    const trustBefore = savedAt - RACY_MS;
    let anyRacy = false;
    for (let i = 0; i < cols.count; i++) {
      if (!(cols.mtime[i] < trustBefore)) {
        this.racy[i] = 1;
        anyRacy = true;
      }
    }
    this.tree = anyRacy ? undefined : tree;
  }

  static fileFor(repo: Repo, target: string): string {
    return path.join(repo.stateDir, hashBuffer(target).slice(0, 32));
  }

  /**
   * The state of `target`; an empty one when there is none, or when the file is of an
   * older format, damaged, or names another target (each costs only a re-hash).
   */
  static load(repo: Repo, target: string): StatCache {
    const file = StatCache.fileFor(repo, target);
    let buf: Buffer | null = null;
    try {
      buf = readAligned(file);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    const parsed = buf ? (parse(buf, target) ?? parseTextV2(buf, target)) : null;
    return parsed ? new StatCache(file, parsed.cols, parsed.savedAt, parsed.tree) : new StatCache(file, EMPTY, 0, undefined);
  }

  /**
   * The oid of the manifest the recorded files make, when it was recorded with them and
   * nothing was recorded, forgotten or racy since: if every file of the walk matches its
   * entry (`matchesAll`), the folder's manifest has this oid.
   */
  get treeOid(): string | undefined {
    return this.dirty ? undefined : this.tree;
  }

  /** How many files the state holds (loaded and recorded; an upper bound after forget). */
  get size(): number {
    return this.cols.count + this.changed.size;
  }

  /** Index in `cols` of p's live entry, or -1. Walk order makes the cursor the usual hit. */
  private indexOf(p: string): number {
    const c = this.cols;
    const i = this.cursor;
    if (i < c.count && this.pathIs(i, p)) {
      this.cursor = i + 1;
      return this.dead?.[i] ? -1 : i;
    }
    // The entry just looked up, asked again (record after lookup).
    if (i > 0 && this.pathIs(i - 1, p)) return this.dead?.[i - 1] ? -1 : i - 1;
    let lo = 0;
    let hi = c.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareAt(c, mid, p);
      if (cmp === 0) {
        this.cursor = mid + 1;
        return this.dead?.[mid] ? -1 : mid;
      }
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private pathIs(i: number, p: string): boolean {
    const { offsets, paths } = this.cols;
    return offsets[i + 1] - offsets[i] === p.length && paths.startsWith(p, offsets[i]);
  }

  private oidAt(i: number): string {
    return this.cols.oids.toString('hex', i * 32, i * 32 + 32);
  }

  /** The recorded oid if the file's stat still matches (and is not racy), else undefined. */
  lookup(p: string, st: StatKey): string | undefined {
    if (this.changed.size) {
      const e = this.changed.get(p);
      if (e) return e.ino === st.ino && e.size === st.size && e.mtimeMs === st.mtimeMs ? e.oid : undefined;
    }
    const i = this.indexOf(p);
    if (i < 0 || this.racy[i]) return undefined;
    const c = this.cols;
    return c.ino[i] === st.ino && c.size[i] === st.size && c.mtime[i] === st.mtimeMs ? this.oidAt(i) : undefined;
  }

  /**
   * True when every file of `files` (in walk order) has a trusted entry with the same
   * stat and executable bit, and the state holds no other file: then the files make the
   * manifest `treeOid` names. Files are visited in order, so this is one pass.
   */
  matchesAll(files: readonly TreeFile[]): boolean {
    const c = this.cols;
    if (this.dirty || this.tree === undefined || files.length !== c.count) return false;
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const fl = c.flags[i];
      if (f.execUnknown || f.linkOid) return false;
      if (!this.pathIs(i, f.path) || this.racy[i] || c.ino[i] !== f.ino || c.size[i] !== f.size || c.mtime[i] !== f.mtimeMs) return false;
      if ((fl & F_EXEC_KNOWN) === 0 || ((fl & F_EXEC) !== 0) !== f.exec) return false;
    }
    return true;
  }

  /** The oids of `matchesAll`'s files, in order (no lookups). */
  oidsInOrder(): string[] {
    const out = new Array<string>(this.cols.count);
    for (let i = 0; i < out.length; i++) out[i] = this.oidAt(i);
    return out;
  }

  record(p: string, st: StatKey, oid: string): void {
    const e = this.changed.get(p);
    if (e && e.ino === st.ino && e.size === st.size && e.mtimeMs === st.mtimeMs && e.oid === oid && e.exec === st.exec) return;
    if (!e) {
      const i = this.indexOf(p);
      if (i >= 0) {
        const c = this.cols;
        const fl = c.flags[i];
        const exec = fl & F_EXEC_KNOWN ? (fl & F_EXEC) !== 0 : undefined;
        if (!this.racy[i] && c.ino[i] === st.ino && c.size[i] === st.size && c.mtime[i] === st.mtimeMs && exec === st.exec && this.oidAt(i) === oid) return;
        this.kill(i);
      }
    }
    this.changed.set(p, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, oid, exec: st.exec });
    this.changedNow();
  }

  private changedNow(): void {
    this.dirty = true;
    this.treeSet = false;
  }

  private kill(i: number): void {
    this.dead ??= new Uint8Array(this.cols.count);
    this.dead[i] = 1;
  }

  forget(p: string): void {
    if (this.changed.delete(p)) this.changedNow();
    const i = this.indexOf(p);
    if (i >= 0) {
      this.kill(i);
      this.changedNow();
    }
  }

  /** Keep only the given paths (drop files that no longer exist). */
  retain(paths: Set<string>): void {
    for (const p of this.changed.keys()) {
      if (!paths.has(p)) {
        this.changed.delete(p);
        this.changedNow();
      }
    }
    const c = this.cols;
    for (let i = 0; i < c.count; i++) {
      if (!this.dead?.[i] && !paths.has(c.paths.slice(c.offsets[i], c.offsets[i + 1]))) {
        this.kill(i);
        this.changedNow();
      }
    }
  }

  /**
   * Remember that `files` (every file of the target, in walk order, each recorded now or
   * matching its trusted entry) make the manifest `oid`, with their executable bits;
   * entries of other paths are dropped. The next walk that finds the same stats skips
   * building the manifest. Does nothing and returns false when any file is not vouched
   * for (it changed while it was hashed, or shares the cache's inode).
   */
  setTree(oid: string, files: readonly TreeFile[]): boolean {
    const c = this.cols;
    const seen = new Uint8Array(c.count);
    const execs: [number, boolean][] = [];
    let fromChanged = 0;
    for (const f of files) {
      // A file sharing the cache's inode takes its bit from the manifest: not ours to vouch for.
      if (f.execUnknown || f.linkOid) return false;
      const e = this.changed.size ? this.changed.get(f.path) : undefined;
      if (e) {
        if (e.ino !== f.ino || e.size !== f.size || e.mtimeMs !== f.mtimeMs) return false;
        e.exec = f.exec;
        fromChanged++;
        continue;
      }
      const i = this.indexOf(f.path);
      if (i < 0 || this.racy[i] || c.ino[i] !== f.ino || c.size[i] !== f.size || c.mtime[i] !== f.mtimeMs) return false;
      seen[i] = 1;
      if (c.flags[i] !== (F_EXEC_KNOWN | (f.exec ? F_EXEC : 0))) execs.push([i, f.exec]);
    }
    // Vouched for, all of them: now change the state.
    for (const [i, exec] of execs) c.flags[i] = F_EXEC_KNOWN | (exec ? F_EXEC : 0);
    for (let i = 0; i < c.count; i++) if (!seen[i] && !this.dead?.[i]) this.kill(i);
    if (fromChanged !== this.changed.size) {
      const keep = new Set(files.map((f) => f.path));
      for (const p of this.changed.keys()) if (!keep.has(p)) this.changed.delete(p);
    }
    this.tree = oid;
    this.dirty = true;
    this.treeSet = true;
    return true;
  }

  /**
   * After a whole checkout of version `oid`: the recorded files are that version's (the
   * caller guarantees each of its files was written or found with the version's oid).
   * Entries whose executable bit is not known leave the tree unknown. A file recorded
   * here that the workspace no longer matches only makes matchesAll false: the tree oid
   * is trusted for no more than the entries it was saved with.
   */
  adoptTree(oid: string): void {
    if (this.treeOid === oid) return; // loaded with it, nothing changed since
    const c = this.cols;
    for (let i = 0; i < c.count; i++) if (!this.dead?.[i] && (c.flags[i] & F_EXEC_KNOWN) === 0) return;
    for (const e of this.changed.values()) if (e.exec === undefined) return;
    this.tree = oid;
    this.dirty = true;
    this.treeSet = true;
  }

  save(target: string): void {
    if (!this.dirty) return;
    const buf = encode(target, this.merged(), Date.now(), this.treeSet ? this.tree : undefined);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, buf);
    this.dirty = false;
  }

  /**
   * Live loaded entries and recorded ones, in walk order: runs of loaded entries (copied
   * in bulk by encode) with the recorded ones between them. Racy entries not recorded
   * again are left out: the file is saved with a new time, against which their mtime
   * would look settled, and a command that did not look at them (a scoped checkout)
   * would turn a same-tick edit it never saw into a trusted stat.
   */
  private merged(): Piece[] {
    const c = this.cols;
    const out: Piece[] = [];
    const added = [...this.changed].sort((a, b) => comparePaths(a[0], b[0]));
    let k = 0;
    let start = -1;
    const endRun = (i: number) => {
      if (start >= 0) out.push({ cols: c, start, end: i });
      start = -1;
    };
    for (let i = 0; i < c.count; i++) {
      if (this.dead?.[i] || this.racy[i]) {
        endRun(i);
        continue;
      }
      if (k < added.length && compareAt(c, i, added[k][0]) > 0) {
        endRun(i);
        while (k < added.length && compareAt(c, i, added[k][0]) > 0) out.push({ path: added[k][0], ...added[k++][1] });
      }
      if (start < 0) start = i;
    }
    endRun(c.count);
    while (k < added.length) out.push({ path: added[k][0], ...added[k++][1] });
    return out;
  }

  /**
   * Carry a target's entries to its new name (`dvd move`): a rename keeps inodes and
   * mtimes, and the folder's manifest oid. The save time is kept too, so entries that
   * were racy stay racy.
   */
  static rename(repo: Repo, from: string, to: string): void {
    const old = StatCache.load(repo, from);
    if (old.cols.count > 0) {
      const buf = encode(to, [{ cols: old.cols, start: 0, end: old.cols.count }], old.savedAt, old.tree);
      fs.mkdirSync(repo.stateDir, { recursive: true });
      writeFileAtomic(StatCache.fileFor(repo, to), buf);
    }
    StatCache.remove(repo, from);
  }

  static remove(repo: Repo, target: string): void {
    fs.rmSync(StatCache.fileFor(repo, target), { force: true });
  }
}

/** The whole file in one read, into memory aligned for the f64 columns. */
function readAligned(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.from(new ArrayBuffer(size));
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, null);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

function parse(buf: Buffer, target: string): { cols: Columns; savedAt: number; tree: string | undefined } | null {
  if (buf.length < HEADER || buf.toString('latin1', 0, 8) !== MAGIC) return null;
  const n = buf.readUInt32LE(8);
  const nameLen = buf.readUInt32LE(12);
  const savedAt = buf.readDoubleLE(16);
  const pathBytes = buf.readUInt32LE(56);
  const hasTree = (buf.readUInt32LE(60) & 1) !== 0;
  const colsAt = pad8(HEADER + nameLen);
  const offsetsAt = colsAt + 24 * n;
  const oidsAt = offsetsAt + 4 * (n + 1);
  const flagsAt = oidsAt + 32 * n;
  const pathsAt = flagsAt + n;
  // A file of the wrong length, or of another target (two can never share one by accident).
  if (buf.length !== pathsAt + pathBytes || buf.toString('utf8', HEADER, HEADER + nameLen) !== target) return null;
  const ab = buf.buffer;
  const base = buf.byteOffset;
  const paths = buf.toString('utf8', pathsAt, pathsAt + pathBytes);
  const offsets = new Uint32Array(ab, base + offsetsAt, n + 1);
  if (offsets[n] !== paths.length) return null;
  return {
    cols: {
      count: n,
      ino: new Float64Array(ab, base + colsAt, n),
      size: new Float64Array(ab, base + colsAt + 8 * n, n),
      mtime: new Float64Array(ab, base + colsAt + 16 * n, n),
      offsets,
      oids: buf.subarray(oidsAt, oidsAt + 32 * n),
      flags: new Uint8Array(ab, base + flagsAt, n),
      paths,
    },
    savedAt,
    tree: hasTree && !buf.subarray(24, 56).equals(ZERO_OID) ? buf.toString('hex', 24, 56) : undefined,
  };
}

interface Row {
  path: string;
  ino: number;
  size: number;
  mtimeMs: number;
  oid: string;
  exec?: boolean;
}

/** Loaded entries [start, end) of `cols`, kept as they are. */
interface Run {
  cols: Columns;
  start: number;
  end: number;
}

type Piece = Row | Run;

/**
 * The file for `pieces` (in walk order). Runs of loaded entries are copied column by
 * column (a 1% change of 1,000,000 files rewrites the state from a few hundred runs, not
 * a million objects).
 */
function encode(target: string, pieces: Piece[], savedAt: number, tree: string | undefined): Buffer {
  const name = Buffer.from(target, 'utf8');
  let n = 0;
  const parts: string[] = [];
  for (const p of pieces) {
    if ('cols' in p) {
      n += p.end - p.start;
      parts.push(p.cols.paths.slice(p.cols.offsets[p.start], p.cols.offsets[p.end]));
    } else {
      n++;
      parts.push(p.path);
    }
  }
  const pathStr = parts.join('');
  const pathBytes = Buffer.byteLength(pathStr, 'utf8');
  const colsAt = pad8(HEADER + name.length);
  const offsetsAt = colsAt + 24 * n;
  const oidsAt = offsetsAt + 4 * (n + 1);
  const flagsAt = oidsAt + 32 * n;
  const pathsAt = flagsAt + n;
  const ab = new ArrayBuffer(pathsAt + pathBytes);
  const buf = Buffer.from(ab);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(n, 8);
  buf.writeUInt32LE(name.length, 12);
  buf.writeDoubleLE(savedAt, 16);
  if (tree) buf.write(tree, 24, 32, 'hex');
  buf.writeUInt32LE(pathBytes, 56);
  buf.writeUInt32LE(tree ? 1 : 0, 60);
  name.copy(buf, HEADER);
  // The columns are typed arrays in the machine's byte order (a state file never moves
  // between machines: it is git-ignored and names this clone's inodes).
  const ino = new Float64Array(ab, colsAt, n);
  const size = new Float64Array(ab, colsAt + 8 * n, n);
  const mtime = new Float64Array(ab, colsAt + 16 * n, n);
  const offsets = new Uint32Array(ab, offsetsAt, n + 1);
  const flags = new Uint8Array(ab, flagsAt, n);
  let k = 0;
  let off = 0;
  for (const p of pieces) {
    if ('cols' in p) {
      const { cols: c, start, end } = p;
      ino.set(c.ino.subarray(start, end), k);
      size.set(c.size.subarray(start, end), k);
      mtime.set(c.mtime.subarray(start, end), k);
      flags.set(c.flags.subarray(start, end), k);
      c.oids.copy(buf, oidsAt + 32 * k, 32 * start, 32 * end);
      const shift = off - c.offsets[start];
      for (let i = start; i < end; i++) offsets[k++] = c.offsets[i] + shift;
      off = c.offsets[end] + shift;
    } else {
      ino[k] = p.ino;
      size[k] = p.size;
      mtime[k] = p.mtimeMs;
      flags[k] = p.exec === undefined ? 0 : F_EXEC_KNOWN | (p.exec ? F_EXEC : 0);
      buf.write(p.oid, oidsAt + 32 * k, 32, 'hex');
      offsets[k++] = off;
      off += p.path.length;
    }
  }
  offsets[n] = off;
  buf.write(pathStr, pathsAt, 'utf8');
  return buf;
}

/**
 * The text format of dvd before this one (`dvd-state 2 <savedAt> "<target>"`, then
 * `<ino> <size> <mtimeMs> <oid> <path>` lines), read once so an upgrade does not hash
 * every file again; the next save writes the binary format.
 */
function parseTextV2(buf: Buffer, target: string): ReturnType<typeof parse> {
  const text = buf.toString('utf8');
  const lines = text.split('\n');
  const header = /^dvd-state 2 (\d+) (.*)$/.exec(lines[0]);
  if (!header || header[2] !== JSON.stringify(target)) return null;
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const c = line.indexOf(' ', b + 1);
    const d = line.indexOf(' ', c + 1);
    if (d < 0 || d - c - 1 !== 64) continue; // a damaged line only costs a re-hash
    rows.push({ path: line.slice(d + 1), ino: Number(line.slice(0, a)), size: Number(line.slice(a + 1, b)), mtimeMs: Number(line.slice(b + 1, c)), oid: line.slice(c + 1, d) });
  }
  rows.sort((x, y) => comparePaths(x.path, y.path));
  return parse(encode(target, rows, Number(header[1]), undefined), target);
}
