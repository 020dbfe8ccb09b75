import type { RefusedEntry, WalkEntry, WalkSink } from './walkTarget.js';

// How a walk worker (walkWorker.ts) hands its files to the main thread: columns in typed
// arrays and all paths in one string, so the message is a few buffers moved, not 50,000
// objects cloned one by one. dvd's own links (rare) travel as objects beside them.

const EXEC = 1;
const EXEC_UNKNOWN = 2;

/** What a worker sends for one unit it walked. */
export interface WalkColumns {
  count: number;
  paths: string;
  /** UTF-16 offsets of each path in `paths`, count + 1. */
  offsets: Uint32Array;
  size: Float64Array;
  mtimeMs: Float64Array;
  ino: Float64Array;
  flags: Uint8Array;
  /** Entries that are not plain files (dvd's own links), by index. */
  links: Array<[number, WalkEntry]>;
  temps: string[];
  skipped: string[];
  refused: RefusedEntry[];
}

/** A WalkSink that keeps files as columns; `columns()` gives the message and its transfer list. */
export class ColumnSink implements WalkSink {
  private n = 0;
  private paths: string[] = [];
  private size = new Float64Array(256);
  private mtimeMs = new Float64Array(256);
  private ino = new Float64Array(256);
  private flags = new Uint8Array(256);
  private links: Array<[number, WalkEntry]> = [];
  temps: string[] = [];
  skipped: string[] = [];
  refused: RefusedEntry[] = [];
  readonly entries = { push: (e: WalkEntry) => this.add(e) };

  private add(e: WalkEntry): void {
    const i = this.n++;
    if (i === this.size.length) this.grow();
    this.paths.push(e.path);
    if (e.linkOid !== undefined) {
      this.links.push([i, e]);
      return;
    }
    this.size[i] = e.size;
    this.mtimeMs[i] = e.mtimeMs;
    this.ino[i] = e.ino;
    this.flags[i] = (e.exec ? EXEC : 0) | (e.execUnknown ? EXEC_UNKNOWN : 0);
  }

  private grow(): void {
    const more = <A extends Float64Array | Uint8Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(a.length * 2);
      b.set(a);
      return b;
    };
    this.size = more(this.size);
    this.mtimeMs = more(this.mtimeMs);
    this.ino = more(this.ino);
    this.flags = more(this.flags);
  }

  columns(): { columns: WalkColumns; transfer: ArrayBuffer[] } {
    const n = this.n;
    const offsets = new Uint32Array(n + 1);
    let off = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = off;
      off += this.paths[i].length;
    }
    offsets[n] = off;
    const columns: WalkColumns = {
      count: n,
      paths: this.paths.join(''),
      offsets,
      size: this.size.slice(0, n),
      mtimeMs: this.mtimeMs.slice(0, n),
      ino: this.ino.slice(0, n),
      flags: this.flags.slice(0, n),
      links: this.links,
      temps: this.temps,
      skipped: this.skipped,
      refused: this.refused,
    };
    return { columns, transfer: [offsets.buffer, columns.size.buffer, columns.mtimeMs.buffer, columns.ino.buffer, columns.flags.buffer] as ArrayBuffer[] };
  }
}

/**
 * Append a unit's entries to `out` as WalkEntry objects of the same shape the walk
 * itself makes (walkTarget.ts fileEntry), and its other lists.
 */
export function appendColumns(c: WalkColumns, out: { entries: WalkEntry[]; temps: string[]; skipped: string[]; refused: RefusedEntry[] }): void {
  let link = 0;
  for (let i = 0; i < c.count; i++) {
    if (link < c.links.length && c.links[link][0] === i) {
      out.entries.push(c.links[link++][1]);
      continue;
    }
    const fl = c.flags[i];
    out.entries.push({
      path: c.paths.slice(c.offsets[i], c.offsets[i + 1]),
      size: c.size[i],
      mtimeMs: c.mtimeMs[i],
      ino: c.ino[i],
      exec: (fl & EXEC) !== 0,
      execUnknown: (fl & EXEC_UNKNOWN) !== 0 ? true : undefined,
    });
  }
  for (const t of c.temps) out.temps.push(t);
  for (const t of c.skipped) out.skipped.push(t);
  for (const r of c.refused) out.refused.push(r);
}
