import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { appendColumns, type WalkColumns } from './walkColumns.js';
import { absoluteError, inFolder, targetEntry, trackedLookup, walkAt, walkFolder, type StackEntry, type TargetWalk, type WalkOptions } from './walkTarget.js';

// A big folder's walk on more than one thread. Per file the walk costs one lstat (~1.6 us
// in the kernel on the bench VM, plus ~2 us in Node 20, half of it the Stats object and
// its garbage), all on one thread, where git status lstats from several. Here the main
// thread lists the top of the target (a level or a few, until there are enough folders),
// and the folders found there become units that the main thread and worker threads
// (walkWorker.ts) claim one at a time from a shared array, so a slow thread simply
// claims fewer. The result is the single-thread walk's, entry for entry and in walk
// order; a unit a worker hands back (an error, an ignored path) is walked again here,
// so what fails fails with the same error, at the same place in walk order.

/**
 * Below this many files (the stat cache's count of the target) the walk stays on one
 * thread: a worker costs ~30-40 ms of start-up (its own V8 and the walk's modules)
 * before it lstats anything. Measured in bench/notes.md (issue 15, "parallel walk").
 */
const MIN_FILES = 50_000;
/** Plan until there are this many units (or no folder is deeper than MAX_DEPTH). */
const MIN_UNITS = 32;
const MAX_DEPTH = 3;
/** A deeper plan that would lstat more files than this on this thread alone is not taken. */
const PLAN_FILES = 1_000;
const MAX_WORKERS = 3;

/** One unit as a worker needs it. */
export interface WalkUnit {
  rel: string;
  inIgnored: boolean;
}

/** A worker's workerData. */
export interface WalkJob {
  dir: string;
  cacheDir: string;
  root: string;
  target: string;
  units: WalkUnit[];
  /** Per unit, who claimed it: 0 nobody yet, 1 the main thread, 2.. a worker (`me`). */
  owners: Int32Array;
  me: number;
}

/** A worker's message: one unit's columns, null when it hands the unit back; unit -1: it is done. */
export interface WalkAnswer {
  unit: number;
  columns: WalkColumns | null;
}

/**
 * Worker threads for the walk of a folder of about `files` files: DVD_WALK_THREADS if
 * set (tests and measurements: then even a small folder is split, and the workers take
 * every unit, so their path is the one tested; 0 keeps every walk on one thread), else
 * one per core beyond the first (at most MAX_WORKERS) at MIN_FILES files and above, else
 * 0. DVD_WALK_TRACE=1 makes a split walk say on stderr how its units went (for tests
 * and measurements; nothing else reads it).
 */
function walkThreads(files: number): { workers: number; forced: boolean } {
  const env = process.env.DVD_WALK_THREADS;
  if (env !== undefined && /^\d+$/.test(env)) return { workers: Number(env), forced: true };
  if (files < MIN_FILES) return { workers: 0, forced: false };
  return { workers: Math.min(os.availableParallelism() - 1, MAX_WORKERS), forced: false };
}

/**
 * walkAt (walkTarget.ts), the same result, on worker threads when the folder is big:
 * `files` is how many files it is expected to hold (the stat cache's count). A scoped
 * walk, a file target and a small folder go to walkAt as they are.
 * Throws what walkAt throws (Node's fs errors, absolute paths), for the same entry.
 */
export async function walkAtParallel(abs: string, o: WalkOptions, files: number): Promise<TargetWalk> {
  const { workers: n, forced } = walkThreads(files);
  if (n === 0 || o.scope || !fs.lstatSync(abs, { throwIfNoEntry: false })?.isDirectory()) return walkAt(abs, o);
  const isTracked = trackedLookup(o);
  // What the plan walked itself (the files above the units), and where each unit's files go in it.
  const top: TargetWalk = { kind: 'dir', entries: [], temps: [], skipped: [], refused: [] };
  let units: Array<{ here: StackEntry; at: Mark }> = [];
  const mark = (): Mark => [top.entries.length, top.temps.length, top.skipped.length, top.refused.length];
  const mine = new Map<number, TargetWalk | { error: unknown }>();
  const theirs = new Map<number, WalkColumns | null>();
  const threads: Worker[] = [];
  try {
    await walkShare();
  } finally {
    for (const w of threads) void w.terminate();
  }
  if (process.env.DVD_WALK_TRACE) {
    const by = [...theirs.values()];
    process.stderr.write(`walk ${o.target}: ${units.length} units, ${by.filter((c) => c).length} walked by worker threads, ${by.filter((c) => !c).length} handed back\n`);
  }

  const out: TargetWalk = { kind: 'dir', entries: [], temps: [], skipped: [], refused: [] };
  let at: Mark = [0, 0, 0, 0];
  const takeTop = (to: Mark) => {
    for (let i = at[0]; i < to[0]; i++) out.entries.push(top.entries[i]);
    for (let i = at[1]; i < to[1]; i++) out.temps.push(top.temps[i]);
    for (let i = at[2]; i < to[2]; i++) out.skipped.push(top.skipped[i]);
    for (let i = at[3]; i < to[3]; i++) out.refused.push(top.refused[i]);
    at = to;
  };
  for (let i = 0; i < units.length; i++) {
    takeTop(units[i].at);
    const own = mine.get(i);
    const their = theirs.get(i);
    if (own && 'error' in own) throw own.error;
    if (own) append(out, own);
    else if (their) appendColumns(their, out);
    else inFolder(abs, (base) => walkFolder(abs, base, o, out, units[i].here, isTracked)); // handed back
  }
  takeTop(mark());
  return out;

  /** Plan the units, start the workers, walk this thread's share, then gather the workers' units. */
  async function walkShare(): Promise<void> {
    let working: Worker[] = [];
    inFolder(abs, (base) => {
      plan(base);
      if (units.length === 0) return;
      const owners = new Int32Array(new SharedArrayBuffer(4 * units.length));
      const shared = units.map((u) => ({ rel: u.here.rel, inIgnored: u.here.inIgnored }));
      for (let k = 0; k < n; k++) {
        const w = new Worker(new URL('./walkWorker.js', import.meta.url), {
          workerData: { dir: abs, cacheDir: o.cacheDir, root: o.root, target: o.target, units: shared, owners, me: k + 2 } satisfies WalkJob,
        });
        threads.push(w);
      }
      if (forced) {
        working = threads;
        return;
      }
      for (let i = 0; i < units.length; i++) {
        if (Atomics.compareExchange(owners, i, 0, 1) !== 0) continue;
        const part: TargetWalk = { kind: 'dir', entries: [], temps: [], skipped: [], refused: [] };
        try {
          walkFolder(abs, base, o, part, units[i].here, isTracked);
          mine.set(i, part);
        } catch (err) {
          // Thrown below, once every unit before it in walk order was looked at.
          mine.set(i, { error: absoluteError(abs, err) });
        }
      }
      // Every unit is claimed now: a worker that claimed none is still starting, and is
      // stopped, not waited for (terminate's promise is not awaited).
      for (let k = 0; k < n; k++) {
        if (owners.includes(k + 2)) continue;
        threads[k].on('error', () => {});
        void threads[k].terminate();
      }
      working = threads.filter((_, k) => owners.includes(k + 2));
    });
    await Promise.all(working.map((w) => gather(w, theirs)));
  }

  /**
   * Walk the top of the target into `top` and make the folders below it units: one
   * level more each round until there are MIN_UNITS, or a level has fewer (then the one
   * before is taken), or the next level's plan would lstat more than PLAN_FILES files or
   * fails.
   */
  function plan(base: string): void {
    // A round that tries a deeper level gives up (false) when it meets too many files or
    // a failed call; the rounds that are kept run to the end or throw, as walkAt would.
    const round = (depth: number, tentative: boolean): boolean => {
      top.entries.length = top.temps.length = top.skipped.length = top.refused.length = 0;
      units = [];
      const visit = (here: StackEntry, d: number): void => {
        if (tentative && d > 0 && top.entries.length > PLAN_FILES) throw new TooDeep();
        walkFolder(abs, base, o, top, here, isTracked, d < depth ? (h) => visit(h, d + 1) : (h) => units.push({ here: h, at: mark() }));
      };
      if (!tentative) {
        visit(targetEntry(o), 0);
        return true;
      }
      try {
        visit(targetEntry(o), 0);
        return true;
      } catch {
        // TooDeep, or a failed call in a folder the round before made a unit: that plan
        // is taken, and the unit fails (or not, if it was a passing fault) when walked.
        return false;
      }
    };
    round(0, false);
    for (let depth = 1; depth <= MAX_DEPTH && units.length > 0 && units.length < MIN_UNITS; depth++) {
      const before = units.length;
      if (!round(depth, true) || units.length < before) {
        round(depth - 1, false);
        return;
      }
    }
  }
}

/** Positions in top's entries, temps, skipped and refused. */
type Mark = [number, number, number, number];

class TooDeep extends Error {}

function append(out: TargetWalk, part: TargetWalk): void {
  for (const e of part.entries) out.entries.push(e);
  for (const t of part.temps) out.temps.push(t);
  for (const t of part.skipped) out.skipped.push(t);
  for (const r of part.refused) out.refused.push(r);
}

/** A worker's units into `into`, until it says it is done; its failure (it could not start or load) is thrown. */
function gather(w: Worker, into: Map<number, WalkColumns | null>): Promise<void> {
  return new Promise((resolve, reject) => {
    w.on('message', (m: WalkAnswer) => {
      if (m.unit === -1) resolve();
      else into.set(m.unit, m.columns);
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`walk worker exited with code ${code} before it was done`)));
  });
}
