import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { hashBuffer } from '../core/hashFile.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import type { Repo } from '../core/repo.js';
import { parseEntry, serializeEntry, type LockEntry } from './lockFile.js';
import type { PathState } from './pathState.js';
import { sortedRecord } from './readParamsFile.js';
import type { Stage } from './stage.js';
import { parseYamlSource } from './yamlSource.js';

// The run cache: "this command, on these inputs, made these outputs". Entries are files
// `runs/<key>-<sha256 of the entry>` under the cache folder, and under the same key on
// remotes (beside `sha256/`), so a run made anywhere is reused everywhere. The name ends
// in the entry's own hash: entries are immutable, a downloaded one is checked like an
// object, and two different runs with one key (a command that is not deterministic)
// both keep their records.

export const RUNS_DIR = 'runs';
const NAME_RE = /^([0-9a-f]{64})-([0-9a-f]{64})$/;

/**
 * The run-cache key of a stage about to run on these deps: SHA-256 of one canonical JSON
 * document holding everything that decides the outputs and nothing else: the resolved
 * commands, the working folder, each dep's path and oid, the tracked params values, and
 * the output paths (sorted keys throughout). Bazel's action key, in one place.
 */
export function runCacheKey(stage: Stage, deps: Map<string, PathState | null>): string {
  const params: Record<string, Record<string, unknown>> = {};
  for (const p of stage.params) params[p.file] = sortedRecord(p.values);
  const canonical = {
    cmd: stage.cmd,
    wdir: stage.wdir,
    deps: [...stage.deps].sort().map((d) => [d, deps.get(d)?.oid ?? null]),
    params: sortedRecord(params),
    outs: stage.outs.map((o) => o.path).sort(),
  };
  return hashBuffer(JSON.stringify(canonical, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? sortedRecord(v) : v)));
}

/** Stages whose outputs the run cache may stand in for: none with persistent outputs (they depend on what was there), always_changed stages, or stages without outputs. */
export function runCacheable(stage: Stage): boolean {
  return stage.outs.length > 0 && !stage.alwaysChanged && !stage.outs.some((o) => o.persist);
}

export function runsDir(repo: Repo): string {
  return path.join(repo.cacheDir, RUNS_DIR);
}

/** `runs/<key>-<entry oid>`: the key of a run entry, locally under the cache and on remotes. */
export function runKey(name: string): string {
  return `${RUNS_DIR}/${name}`;
}

/** Names (`<key>-<oid>`) of every run entry in the local cache, sorted. */
export function listRuns(repo: Repo): string[] {
  try {
    return fs.readdirSync(runsDir(repo)).filter((n) => NAME_RE.test(n)).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/** True when `name` is a well-formed run entry name. */
export const isRunName = (name: string) => NAME_RE.test(name);

/** Parse a run entry's bytes; null when they do not hash to the name's oid or do not parse (a damaged entry is ignored). */
export function parseRun(name: string, bytes: Buffer): LockEntry | null {
  const m = NAME_RE.exec(name);
  if (!m || hashBuffer(bytes) !== m[2]) return null;
  try {
    const src = parseYamlSource(bytes.toString('utf8'), `run ${name.slice(0, 12)}`);
    return parseEntry(src.value, { file: src.file, lineOf: (p) => src.lineOf(p) });
  } catch {
    return null;
  }
}

/** The recorded runs for `key` in the local cache (several when the command is not deterministic). */
export function lookupRuns(repo: Repo, key: string): LockEntry[] {
  const out: LockEntry[] = [];
  for (const name of listRuns(repo)) {
    if (!name.startsWith(`${key}-`)) continue;
    const e = parseRun(name, fs.readFileSync(path.join(runsDir(repo), name)));
    if (e) out.push(e);
  }
  return out;
}

/** Record a successful run under `key` (idempotent: the same run writes the same file). Returns the entry's name. */
export function recordRun(repo: Repo, key: string, entry: LockEntry): string {
  const text = serializeEntry(entry);
  const name = `${key}-${hashBuffer(text)}`;
  const file = path.join(runsDir(repo), name);
  if (fs.existsSync(file)) return name;
  fs.mkdirSync(runsDir(repo), { recursive: true });
  writeFileAtomic(file, text);
  return name;
}
