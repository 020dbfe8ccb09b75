import fs from 'node:fs';
import path from 'node:path';
import type { Document, Node } from 'yaml';
import { yamlModule } from './lazyModules.js';
import { isErrno } from '../core/errors.js';
import { OID_RE } from '../core/oid.js';
import { checkRelPath } from '../core/relPath.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { pipelineError } from './pipelineError.js';
import { sortedRecord } from './readParamsFile.js';
import type { ParamValue } from './stage.js';
import { parseCacheFor, parseYamlSource, type ParseCache } from './yamlSource.js';

// dvd.lock: what each stage's last successful run used and made. Written by dvd only,
// byte-stable: stages sorted by name, deps and outs by path, params files and keys
// sorted, fixed key order, so the same run writes the same bytes and Git diffs show
// only what changed. Paths are repo-relative (dvd.yaml sits at the root).

export const DVD_LOCK = 'dvd.lock';
export const LOCK_SCHEMA = '1';

/** A file or folder as recorded: a folder has `files` (its oid is its manifest's). */
export interface LockedPath {
  path: string;
  /** Bare hex SHA-256. */
  oid: string;
  size: number;
  files?: number;
}

export interface LockedOut extends LockedPath {
  /** false: committed to Git, not to the cache (recorded only when false). */
  cache?: false;
  /**
   * A file output's executable bit, recorded only when set (as a single-file pointer
   * records it; a folder's manifest has it per file), so checkout of the output keeps it.
   */
  exec?: true;
}

export interface LockEntry {
  /** The resolved commands, in order. */
  cmd: string[];
  deps: LockedPath[];
  /** params file -> dotted key -> value. */
  params: Record<string, Record<string, ParamValue>>;
  outs: LockedOut[];
}

/** Stage name -> entry. */
export type LockFile = Map<string, LockEntry>;

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Entry with deps, outs, params in canonical order (the form written and compared). */
export function canonicalEntry(e: LockEntry): LockEntry {
  const params: LockEntry['params'] = {};
  for (const f of Object.keys(e.params).sort()) params[f] = sortedRecord(e.params[f]);
  return { cmd: [...e.cmd], deps: [...e.deps].sort(byPath), params, outs: [...e.outs].sort(byPath) };
}

function pathNode(doc: Document, p: LockedOut): Node {
  const o: Record<string, unknown> = { path: p.path, oid: `sha256:${p.oid}`, size: p.size };
  if (p.exec) o.exec = true;
  if (p.files !== undefined) o.files = p.files;
  if (p.cache === false) o.cache = false;
  const n = doc.createNode(o) as Node & { flow?: boolean };
  n.flow = true;
  return n;
}

/** The entry's YAML map node (also the body of a run-cache record). */
export function entryNode(doc: Document, entry: LockEntry): Node {
  const { isMap, isSeq } = yamlModule();
  const e = canonicalEntry(entry);
  const m = doc.createNode({}) as Node & { set(k: string, v: unknown): void };
  m.set('cmd', e.cmd.length === 1 ? e.cmd[0] : doc.createNode(e.cmd));
  if (e.deps.length) m.set('deps', doc.createNode(e.deps.map((d) => pathNode(doc, d))));
  if (Object.keys(e.params).length) {
    const params = doc.createNode(e.params) as Node;
    // Each file's values on one line: `params.yaml: {train.lr: 0.01, train.epochs: 10}`.
    if (isMap(params)) for (const pair of params.items) if (isMap(pair.value) || isSeq(pair.value)) (pair.value as { flow?: boolean }).flow = true;
    m.set('params', params);
  }
  if (e.outs.length) m.set('outs', doc.createNode(e.outs.map((o) => pathNode(doc, o))));
  return m;
}

const STRINGIFY = { lineWidth: 0, indentSeq: false, singleQuote: true, flowCollectionPadding: false } as const;

/** dvd.lock text for these entries, byte-stable. */
export function serializeLock(lock: LockFile): string {
  const doc = new (yamlModule().Document)({ schema: LOCK_SCHEMA }, { version: '1.2' });
  const stages = doc.createNode({}) as Node & { set(k: string, v: unknown): void };
  for (const name of [...lock.keys()].sort()) stages.set(name, entryNode(doc, lock.get(name)!));
  (doc.contents as unknown as { set(k: string, v: unknown): void }).set('stages', stages);
  return doc.toString(STRINGIFY);
}

/** One entry as standalone YAML (a run-cache record), byte-stable. */
export function serializeEntry(entry: LockEntry): string {
  const doc = new (yamlModule().Document)(null, { version: '1.2' });
  doc.contents = entryNode(doc, entry) as never;
  return doc.toString(STRINGIFY);
}

const isMapV = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse dvd.lock text strictly; every path is checked (DESIGN rule 4). `file` labels messages. */
export function parseLock(text: string, file = DVD_LOCK, cache?: ParseCache): LockFile {
  const src = parseYamlSource(text, file, cache);
  const top = src.value;
  if (!isMapV(top)) throw pipelineError({ file, line: 1 }, 'must be a map with schema: and stages:');
  for (const k of Object.keys(top)) if (k !== 'schema' && k !== 'stages') throw pipelineError({ file, line: src.lineOf([k], true) }, `unknown key "${k}"`);
  if (top.schema !== LOCK_SCHEMA) {
    throw pipelineError({ file, line: src.lineOf(['schema']), field: 'schema' }, `unsupported version ${JSON.stringify(top.schema)} (this dvd reads '${LOCK_SCHEMA}')`, 'upgrade dvd, or delete dvd.lock and run `dvd repro`');
  }
  const stages = top.stages ?? {};
  if (!isMapV(stages)) throw pipelineError({ file, line: src.lineOf(['stages']), field: 'stages' }, 'must be a map');
  const lock: LockFile = new Map();
  for (const [name, raw] of Object.entries(stages)) {
    lock.set(name, parseEntry(raw, { file, stage: name, lineOf: (p) => src.lineOf(['stages', name, ...p]) }));
  }
  return lock;
}

/** Parse one entry (a lock stage or a run-cache record). */
export function parseEntry(raw: unknown, at: { file: string; stage?: string; lineOf: (p: (string | number)[]) => number | undefined }): LockEntry {
  const fail = (p: (string | number)[], msg: string) => pipelineError({ file: at.file, line: at.lineOf(p), stage: at.stage, field: p.join('.') || undefined }, msg);
  if (!isMapV(raw)) throw fail([], 'must be a map');
  for (const k of Object.keys(raw)) if (!['cmd', 'deps', 'params', 'outs'].includes(k)) throw fail([k], 'unknown key');
  let cmd: string[];
  if (typeof raw.cmd === 'string') cmd = [raw.cmd];
  else if (Array.isArray(raw.cmd) && raw.cmd.length && raw.cmd.every((c) => typeof c === 'string')) cmd = raw.cmd as string[];
  else throw fail(['cmd'], 'must be a string or a list of strings');
  const paths = (key: 'deps' | 'outs'): LockedOut[] => {
    const list = raw[key] ?? [];
    if (!Array.isArray(list)) throw fail([key], 'must be a list');
    return list.map((item, i) => {
      if (!isMapV(item)) throw fail([key, i], 'must be a map');
      for (const k of Object.keys(item)) if (!['path', 'oid', 'size', 'files', 'cache', 'exec'].includes(k) || ((k === 'cache' || k === 'exec') && key === 'deps')) throw fail([key, i, k], 'unknown key');
      if (typeof item.path !== 'string') throw fail([key, i, 'path'], 'must be a path');
      try {
        checkRelPath(item.path, `${key}[${i}].path`);
      } catch (err) {
        throw fail([key, i, 'path'], (err as Error).message);
      }
      const m = typeof item.oid === 'string' ? /^sha256:(.*)$/.exec(item.oid) : null;
      if (!m || !OID_RE.test(m[1])) throw fail([key, i, 'oid'], `bad oid ${JSON.stringify(item.oid)} (expected sha256:<64 lowercase hex>)`);
      const count = (k: 'size' | 'files') => {
        const v = item[k];
        if (!Number.isSafeInteger(v) || (v as number) < 0) throw fail([key, i, k], 'must be a non-negative integer');
        return v as number;
      };
      const out: LockedOut = { path: item.path, oid: m[1], size: count('size') };
      if (item.files !== undefined) out.files = count('files');
      if (item.cache !== undefined) {
        if (item.cache !== false) throw fail([key, i, 'cache'], 'only `cache: false` is recorded');
        out.cache = false;
      }
      if (item.exec !== undefined) {
        if (item.exec !== true) throw fail([key, i, 'exec'], 'only `exec: true` is recorded');
        if (out.files !== undefined) throw fail([key, i, 'exec'], 'only a file output records it (a folder has it per file)');
        out.exec = true;
      }
      return out;
    });
  };
  const params = raw.params ?? {};
  if (!isMapV(params) || !Object.values(params).every(isMapV)) throw fail(['params'], 'must map params files to {key: value}');
  return { cmd, deps: paths('deps'), params: params as LockEntry['params'], outs: paths('outs') };
}

/** The repository's dvd.lock (empty when there is none). */
export function readLock(root: string): LockFile {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, DVD_LOCK), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return new Map();
    throw err;
  }
  return parseLock(text, DVD_LOCK, parseCacheFor(root));
}

/**
 * Read dvd.lock, apply `update` to it, and write it back atomically if the text changed
 * (entries of other stages are kept, so repro runs on disjoint stages do not clobber each
 * other). Call with the repository lock held. Returns true when the file changed.
 */
export function updateLock(root: string, update: (lock: LockFile) => void): boolean {
  const file = path.join(root, DVD_LOCK);
  let before: string | null = null;
  try {
    before = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const lock = before === null ? new Map() : parseLock(before, DVD_LOCK, parseCacheFor(root));
  update(lock);
  const after = serializeLock(lock);
  if (after === before) return false;
  writeFileAtomic(file, after);
  return true;
}
