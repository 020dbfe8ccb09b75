import fs from 'node:fs';
import path from 'node:path';
import { hashBuffer } from '../core/hashFile.js';
import { parseManifest, serializeManifest, type ManifestEntry } from '../core/manifest.js';
import { objectPath } from '../core/objectPath.js';
import { isErrno } from '../core/errors.js';
import { scanTarget, type TargetScan } from '../core/scanTarget.js';
import type { Repo } from '../core/repo.js';
import { isSameOrInside } from './buildDag.js';
import type { PathState } from './pathState.js';

/**
 * What the workspace holds at a stage's paths, hashed as pointers hash (a folder's oid is
 * its manifest's) through the stat cache, so an unchanged file is never hashed twice, and
 * memoized for one command: a dataset that 20 stages depend on is scanned once. After a
 * stage writes its outputs, `invalidate` them.
 */
export class PathObserver {
  private readonly memo = new Map<string, Promise<PathState | null>>();
  private readonly manifests = new Map<string, ManifestEntry[]>();

  constructor(
    private readonly repo: Repo,
    private readonly jobs: number,
  ) {}

  private readonly outer = new Set<string>();

  /**
   * Paths the command will ask about. A path inside another of them is then answered from
   * the outer one's scan instead of a walk of its own: ten stages reading ten folders of a
   * dataset that another stage reads whole walk it once (20,000 files: 30,000 lstat -> 20,000).
   */
  plan(paths: Iterable<string>): void {
    const all = [...new Set(paths)];
    for (const p of all) if (!all.some((q) => q !== p && isSameOrInside(p, q))) this.outer.add(p);
  }

  /** The path's state now, or null when nothing is there. */
  state(p: string): Promise<PathState | null> {
    let s = this.memo.get(p);
    if (!s) {
      const around = [...this.outer].find((q) => q !== p && isSameOrInside(p, q));
      s = around === undefined ? this.scan(p) : this.state(around).then((whole) => inside(whole, p.slice(around.length + 1)) ?? this.emptyFolder(p));
      this.memo.set(p, s);
      s.catch(() => this.memo.delete(p));
    }
    return s;
  }

  /** Forget what is known about `p` and anything inside or around it. */
  invalidate(p: string): void {
    for (const k of [...this.memo.keys()]) if (isSameOrInside(k, p) || isSameOrInside(p, k)) this.memo.delete(k);
  }

  /** An empty folder has no entries in its parent's scan, but it is there. */
  private emptyFolder(p: string): PathState | null {
    return fs.lstatSync(path.join(this.repo.root, p), { throwIfNoEntry: false })?.isDirectory() ? folderState([]) : null;
  }

  private async scan(p: string): Promise<PathState | null> {
    return stateOf(await scanTarget({ repo: this.repo, target: p, abs: path.join(this.repo.root, p), jobs: this.jobs }), p);
  }

  /** The manifest of folder oid `oid` from the cache, or null when the cache lacks it (or it is damaged; not remembered, a fetch may bring it). */
  manifest = (oid: string): ManifestEntry[] | null => {
    const known = this.manifests.get(oid);
    if (known) return known;
    let m: ManifestEntry[] | null = null;
    try {
      const buf = fs.readFileSync(objectPath(this.repo.cacheDir, oid));
      if (hashBuffer(buf) === oid) m = parseManifest(buf.toString('utf8'), `manifest ${oid.slice(0, 12)}`);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    if (m) this.manifests.set(oid, m);
    return m;
  };
}

/** A scanned target as a PathState (saving what the stat cache learned). */
function stateOf(scan: TargetScan, target: string): PathState | null {
  if (scan.hashedFiles > 0) scan.state.save(target);
  if (scan.kind === 'missing') return null;
  if (scan.kind === 'file') return { oid: scan.files[0].oid, size: scan.files[0].size };
  return folderState(scan.files.map((f) => ({ path: f.path, oid: f.oid, size: f.size, exec: f.exec })));
}

function folderState(entries: ManifestEntry[]): PathState {
  const text = serializeManifest(entries);
  return { oid: hashBuffer(text), size: entries.reduce((n, e) => n + e.size, 0), files: entries.length, entries };
}

/** The state of `rel` inside a folder whose state is `whole` (a file inside: that file; nothing there: null). */
function inside(whole: PathState | null, rel: string): PathState | null {
  if (!whole?.entries) return null;
  const exact = whole.entries.find((e) => e.path === rel);
  if (exact) return { oid: exact.oid, size: exact.size };
  const prefix = `${rel}/`;
  const sub = whole.entries.filter((e) => e.path.startsWith(prefix)).map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
  return sub.length ? folderState(sub) : null;
}
