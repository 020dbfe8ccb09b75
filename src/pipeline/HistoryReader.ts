import fs from 'node:fs';
import path from 'node:path';
import { DvdError, isErrno } from '../core/errors.js';
import { objectPath } from '../core/objectPath.js';
import { entryAtPath } from '../git/entryAtPath.js';
import type { GitRepo } from '../git/gitHandle.js';
import { readBlobBytes, readCommitInfo } from '../git/readGitObject.js';
import { HistoryCache } from './historyCache.js';
import { loadPipeline } from './loadPipeline.js';
import { loadPipelineAtRev } from './loadPipelineAtRev.js';
import { DVD_LOCK, parseLock, readLock } from './lockFile.js';
import { DVD_YAML } from './parseDvdYaml.js';
import { parseMetrics } from './readMetrics.js';
import type { ParamValue } from './stage.js';
import { summarizeLock, summarizePipeline, type DeclaredFile, type LockSummary, type PipelineSummary } from './pipelineSummary.js';

/** One version of the repository as history views see it: the workspace, or a commit. */
export interface Revision {
  /** `workspace`, or a name for the commit (what the user typed, a branch, a short hash). */
  label: string;
  /** null for the workspace. */
  commit: string | null;
  tree?: string;
  /** Committer time (seconds) and message, for commits. */
  time?: number;
  message?: string;
  parents?: string[];
  /** null when there is no dvd.yaml (or it could not be read: see errors). */
  summary: PipelineSummary | null;
  /** null when there is no dvd.lock (or it could not be read). */
  lock: LockSummary | null;
  /** dvd.yaml, a params file or dvd.lock that could not be read, each naming revision and file. */
  errors: string[];
  /**
   * Set for an experiment that is queued or failed (`qq: queued, not run`): its commit
   * holds the baseline's metrics, plots and dvd.lock, which are not its results, so no
   * file is read from it (source() says missing).
   */
  noResults?: string;
}

/** A metrics file at a revision: its values flattened to dotted keys, or why there are none. */
export interface MetricsRead {
  path: string;
  values?: Record<string, ParamValue>;
  /** Not valid JSON/YAML/TOML, a folder, or not in the cache; names the revision and file. */
  error?: string;
  /** The revision has no such file (not an error: older commits predate it). */
  missing?: boolean;
}

/** Where a file's bytes are at a revision. */
export type FileSource = { bytes: () => Promise<Buffer>; key: string | null } | { missing: true } | { error: string };

/** Stands for the revision's label in cached messages, which other revisions reuse. */
const REV = '\u0000rev\u0000';

type Cached<T> = { value?: T; error?: string };

function labelled(message: string, label: string): string {
  return message.includes(REV) ? message.split(REV).join(label) : `${label}:${message}`;
}

/** True when JSON keeps the value exactly (no NaN or infinities, no -0). */
function jsonSafe(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === 'object' && v !== null) return Object.values(v).every(jsonSafe);
  return true;
}

/**
 * Reads dvd.yaml, dvd.lock, params, metrics and plots files at any revision without
 * checking it out, and in the workspace, for `metrics`, `params`, `plots` and `exp`.
 * Commits are read through src/git (the `git cat-file --batch` pipe when git exists;
 * each tree once per process), and what is parsed is kept in the HistoryCache by blob
 * oid, so a warm `metrics show -A` over 500 commits parses nothing. Call `save()` at the
 * end to keep what was learnt.
 */
export class HistoryReader {
  private readonly cache: HistoryCache;

  constructor(private readonly o: { root: string; git: GitRepo | null; cacheDir: string | null; stateDir: string }) {
    this.cache = new HistoryCache(o.stateDir);
  }

  save(): void {
    this.cache.save();
  }

  /** The workspace: dvd.yaml and params files as they are on disk, and dvd.lock. */
  workspace(): Revision {
    const rev: Revision = { label: 'workspace', commit: null, summary: null, lock: null, errors: [] };
    try {
      const p = loadPipeline(this.o.root);
      rev.summary = p && summarizePipeline(p);
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      rev.errors.push(`workspace:${err.message}`);
    }
    try {
      if (fs.existsSync(path.join(this.o.root, DVD_LOCK))) rev.lock = summarizeLock(readLock(this.o.root));
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      rev.errors.push(`workspace:${err.message}`);
    }
    return rev;
  }

  /** Commit `commit` (an oid), named `label` in messages. */
  async revision(commit: string, label: string): Promise<Revision> {
    const git = this.requireGit();
    const info = await readCommitInfo(git, commit);
    const rev: Revision = { label, commit: info.oid, tree: info.tree, time: info.time, message: info.message, parents: info.parents, summary: null, lock: null, errors: [] };
    const yaml = await entryAtPath(git, info.tree, DVD_YAML);
    if (yaml && yaml.type === 'blob') {
      const s = await this.summaryAt(rev, yaml.oid);
      if (s.error) rev.errors.push(labelled(s.error, label));
      else rev.summary = s.summary!;
    }
    const lock = await entryAtPath(git, info.tree, DVD_LOCK);
    if (lock && lock.type === 'blob') {
      const key = `lock:${lock.oid}`;
      let l = this.cache.get<Cached<LockSummary>>(key);
      if (!l) {
        try {
          l = { value: summarizeLock(parseLock((await readBlobBytes(git, lock.oid)).toString('utf8'), `${REV}:${DVD_LOCK}`)) };
        } catch (err) {
          if (!(err instanceof DvdError)) throw err;
          l = { error: err.message };
        }
        this.cache.set(key, l);
      }
      if (l.error) rev.errors.push(labelled(l.error, label));
      else rev.lock = l.value!;
    }
    return rev;
  }

  /** The metrics files of `rev` (default: those its dvd.yaml declares), each read and parsed. */
  async metrics(rev: Revision, files: DeclaredFile[] = rev.summary?.metrics ?? []): Promise<MetricsRead[]> {
    const out: MetricsRead[] = [];
    for (const f of files) {
      const src = await this.source(rev, f);
      if ('missing' in src) out.push({ path: f.path, missing: true });
      else if ('error' in src) out.push({ path: f.path, error: src.error });
      else {
        const ext = path.extname(f.path).toLowerCase();
        const key = src.key === null ? null : `metrics:${ext === '.json' || ext === '.toml' ? ext : '.yaml'}:${src.key}`;
        let m = key === null ? undefined : this.cache.get<Cached<Record<string, ParamValue>>>(key);
        if (!m) {
          try {
            m = { value: parseMetrics((await src.bytes()).toString('utf8'), f.path) };
          } catch (err) {
            if (!(err instanceof DvdError)) throw err;
            m = { error: err.message };
          }
          if (key !== null && jsonSafe(m)) this.cache.set(key, m);
        }
        out.push(m.error !== undefined ? { path: f.path, error: labelled(m.error, rev.label) } : { path: f.path, values: m.value! });
      }
    }
    return out;
  }

  /**
   * Where the bytes of `f` are at `rev`: the workspace file; at a commit, the blob in Git
   * (`cache: false`) or the object dvd.lock records, from the local cache. `key` names
   * the bytes for the history cache (null in the workspace, where files change).
   */
  async source(rev: Revision, f: DeclaredFile): Promise<FileSource> {
    if (rev.noResults) return { missing: true };
    if (rev.commit === null) {
      const abs = path.join(this.o.root, f.path);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch (err) {
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return { missing: true };
        throw err;
      }
      if (st.isDirectory()) return { error: `workspace:${f.path}: is a folder, not a file` };
      return { key: null, bytes: async () => fs.readFileSync(abs) };
    }
    const git = this.requireGit();
    if (!f.cache) {
      const e = await entryAtPath(git, rev.tree!, f.path);
      if (!e) return { missing: true };
      if (e.type !== 'blob') return { error: `${rev.label}:${f.path}: is a folder, not a file` };
      return { key: `git:${e.oid}`, bytes: () => readBlobBytes(git, e.oid) };
    }
    const out = rev.lock?.outs[f.path];
    if (!out) return { missing: true };
    if (out.files !== undefined) return { error: `${rev.label}:${f.path}: is a folder, not a file` };
    const file = this.o.cacheDir ? objectPath(this.o.cacheDir, out.oid) : null;
    if (!file || !fs.existsSync(file)) {
      return { error: `${rev.label}:${f.path}: not in the cache (cached output of dvd.lock; run dvd fetch --rev ${rev.commit.slice(0, 12)})` };
    }
    return { key: `sha256:${out.oid}`, bytes: async () => fs.readFileSync(file) };
  }

  /**
   * The summary of dvd.yaml blob `yamlOid` at `rev`. Expansion reads params files
   * (`${...}`, foreach lists) and the summary holds tracked values, so a summary is kept
   * per dvd.yaml and params files' blob oids: `pipe:<yaml oid>` lists the sets of params
   * files its variants read (usually one: params.yaml), and each variant is found under
   * `pipev:<yaml oid>:<file=oid,...>`, one lookup per set even with 200 experiments
   * that each changed params.yaml. A miss expands the pipeline from Git.
   */
  private async summaryAt(rev: Revision, yamlOid: string): Promise<{ summary?: PipelineSummary; error?: string }> {
    const git = this.requireGit();
    const oidOf = async (file: string) => {
      const e = await entryAtPath(git, rev.tree!, file);
      return e && e.type === 'blob' ? e.oid : null;
    };
    const variantKey = async (files: string[]) => {
      const parts: string[] = [];
      for (const f of files) parts.push(`${JSON.stringify(f)}=${await oidOf(f)}`);
      return `pipev:${yamlOid}:${parts.join(',')}`;
    };
    const setsKey = `pipe:${yamlOid}`;
    const sets = this.cache.get<string[][]>(setsKey) ?? [];
    for (const files of sets) {
      const hit = this.cache.get<Cached<PipelineSummary>>(await variantKey(files));
      if (hit) return { summary: hit.value, error: hit.error };
    }
    const read = new Set<string>();
    const v: Cached<PipelineSummary> = {};
    try {
      const p = await loadPipelineAtRev(git, rev.commit!, REV, read);
      v.value = p ? summarizePipeline(p) : { metrics: [], plots: [], params: {} };
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      v.error = err.message;
    }
    const files = [...read].sort();
    if (v.error !== undefined || jsonSafe(v.value)) {
      if (!sets.some((s) => s.join('\0') === files.join('\0'))) this.cache.set(setsKey, [...sets, files]);
      this.cache.set(await variantKey(files), v);
    }
    return { summary: v.value, error: v.error };
  }

  private requireGit(): GitRepo {
    if (!this.o.git) throw new DvdError('ENOTGIT', `${this.o.root} is not inside a Git repository, so it has no revisions`);
    return this.o.git;
  }
}
