import fs from 'node:fs';
import path from 'node:path';
import { hashBuffer } from './hashFile.js';
import { isErrno } from './errors.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import type { Repo } from './repo.js';

// The stat cache: for each file of a tracked target, the (inode, size, mtime) at which
// we last knew its oid, so an unchanged file is never hashed twice. One file per target
// under .dvd/state/, plain text, one line per file:
//   <ino> <size> <mtimeMs> <oid> <path>
// Loading 1,000,000 lines is one readFileSync + split (~0.5 s), and a commit rewrites
// only its own target's file.
export interface StatEntry {
  ino: number;
  size: number;
  mtimeMs: number;
  oid: string;
}

// Git's "racy clean" rule: a file whose mtime is not clearly older than the moment the
// state was saved could have been modified again within the same timestamp tick
// without its stat changing. Such entries are distrusted on load (hashed once more by
// the next run, which then records them as settled). The margin covers Linux's coarse
// mtime clock (one jiffy, 4-10 ms) with room to spare; file systems with 2 s mtimes
// (FAT) are not supported for workspaces.
const RACY_MS = 100;

export class StatCache {
  private readonly entries: Map<string, StatEntry>;
  private dirty = false;

  private constructor(
    private readonly file: string,
    entries: Map<string, StatEntry>,
  ) {
    this.entries = entries;
  }

  static fileFor(repo: Repo, target: string): string {
    return path.join(repo.stateDir, hashBuffer(target).slice(0, 32));
  }

  static load(repo: Repo, target: string): StatCache {
    const file = StatCache.fileFor(repo, target);
    const entries = new Map<string, StatEntry>();
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    const lines = text.split('\n');
    // First line names the target (so two targets can never share a file by accident)
    // and when the state was saved.
    const header = /^dvd-state 2 (\d+) (.*)$/.exec(lines[0]);
    if (header && header[2] === JSON.stringify(target)) {
      const trustBefore = Number(header[1]) - RACY_MS;
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        if (line === '') continue;
        const a = line.indexOf(' ');
        const b = line.indexOf(' ', a + 1);
        const c = line.indexOf(' ', b + 1);
        const d = line.indexOf(' ', c + 1);
        if (d < 0) continue; // a damaged line only costs a re-hash
        const mtimeMs = Number(line.slice(b + 1, c));
        if (!(mtimeMs < trustBefore)) continue;
        entries.set(line.slice(d + 1), {
          ino: Number(line.slice(0, a)),
          size: Number(line.slice(a + 1, b)),
          mtimeMs,
          oid: line.slice(c + 1, d),
        });
      }
    }
    return new StatCache(file, entries);
  }

  /** The recorded oid if the file's stat still matches, else undefined. */
  lookup(p: string, st: { ino: number; size: number; mtimeMs: number }): string | undefined {
    const e = this.entries.get(p);
    if (e && e.ino === st.ino && e.size === st.size && e.mtimeMs === st.mtimeMs) return e.oid;
    return undefined;
  }

  record(p: string, st: { ino: number; size: number; mtimeMs: number }, oid: string): void {
    const e = this.entries.get(p);
    if (e && e.ino === st.ino && e.size === st.size && e.mtimeMs === st.mtimeMs && e.oid === oid) return;
    this.entries.set(p, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, oid });
    this.dirty = true;
  }

  forget(p: string): void {
    if (this.entries.delete(p)) this.dirty = true;
  }

  /** Keep only the given paths (drop files that no longer exist). */
  retain(paths: Set<string>): void {
    for (const p of this.entries.keys()) {
      if (!paths.has(p)) {
        this.entries.delete(p);
        this.dirty = true;
      }
    }
  }

  save(target: string): void {
    if (!this.dirty) return;
    const parts: string[] = [`dvd-state 2 ${Date.now()} ${JSON.stringify(target)}`];
    for (const [p, e] of this.entries) parts.push(`${e.ino} ${e.size} ${e.mtimeMs} ${e.oid} ${p}`);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, parts.join('\n') + '\n');
    this.dirty = false;
  }

  /** Carry a target's entries to its new name (`dvd move`): a rename keeps inodes and mtimes. */
  static rename(repo: Repo, from: string, to: string): void {
    const old = StatCache.load(repo, from);
    const moved = new StatCache(StatCache.fileFor(repo, to), old.entries);
    moved.dirty = old.entries.size > 0;
    moved.save(to);
    StatCache.remove(repo, from);
  }

  static remove(repo: Repo, target: string): void {
    fs.rmSync(StatCache.fileFor(repo, target), { force: true });
  }
}
