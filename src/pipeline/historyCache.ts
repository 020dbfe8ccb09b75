import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';

const FILE = 'history-cache.json';
const VERSION = 2;
/** Entries kept; past this the oldest go first (a few hundred bytes each). */
const MAX_ENTRIES = 50_000;

/**
 * What history views (`metrics show -A`, `exp show`, `params diff REV`) learnt from Git
 * objects, kept between commands in `.dvd/state/history-cache.json`. Every key names
 * immutable content (a blob oid, or a set of them), so an entry never goes stale: a
 * metrics file parsed at one commit is not parsed again at the next 499 that hold the
 * same blob, nor by the next command. Reading 500 commits' metrics cold parses each
 * distinct file once (the yaml package alone costs ~20 ms to load); warm, the command
 * reads only trees and this file. A damaged or foreign file is ignored and rewritten.
 */
export class HistoryCache {
  private entries: Map<string, unknown> | null = null;
  private dirty = false;

  constructor(private readonly stateDir: string) {}

  get<T>(key: string): T | undefined {
    return this.load().get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    const m = this.load();
    m.delete(key);
    m.set(key, value);
    this.dirty = true;
  }

  /** Write the entries back if any were added. A read-only `.dvd` only loses the speed-up. */
  save(): void {
    if (!this.dirty || !this.entries) return;
    const all = [...this.entries];
    const kept = all.length > MAX_ENTRIES ? all.slice(all.length - MAX_ENTRIES) : all;
    try {
      fs.mkdirSync(this.stateDir, { recursive: true });
      writeFileAtomic(path.join(this.stateDir, FILE), JSON.stringify({ version: VERSION, entries: Object.fromEntries(kept) }));
      this.dirty = false;
    } catch (err) {
      if (!isErrno(err, 'EACCES') && !isErrno(err, 'EROFS') && !isErrno(err, 'ENOENT')) throw err;
    }
  }

  private load(): Map<string, unknown> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.stateDir, FILE), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return this.entries;
      throw err;
    }
    try {
      const j = JSON.parse(text) as { version?: number; entries?: Record<string, unknown> };
      if (j.version === VERSION && j.entries && typeof j.entries === 'object') this.entries = new Map(Object.entries(j.entries));
    } catch {
      // Damaged (a crash cannot do it: the file is renamed into place): start again.
    }
    return this.entries;
  }
}
