import fs from 'node:fs';
import path from 'node:path';
import { hashBuffer } from '../core/hashFile.js';
import { parseManifest, serializeManifest, type ManifestEntry } from '../core/manifest.js';
import { objectPath } from '../core/objectPath.js';
import { isErrno } from '../core/errors.js';
import { scanTarget } from '../core/scanTarget.js';
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

  /** The path's state now, or null when nothing is there. */
  state(p: string): Promise<PathState | null> {
    let s = this.memo.get(p);
    if (!s) {
      s = this.scan(p);
      this.memo.set(p, s);
      s.catch(() => this.memo.delete(p));
    }
    return s;
  }

  /** Forget what is known about `p` and anything inside or around it. */
  invalidate(p: string): void {
    for (const k of [...this.memo.keys()]) if (isSameOrInside(k, p) || isSameOrInside(p, k)) this.memo.delete(k);
  }

  private async scan(p: string): Promise<PathState | null> {
    const scan = await scanTarget({ repo: this.repo, target: p, abs: path.join(this.repo.root, p), jobs: this.jobs });
    if (scan.hashedFiles > 0) scan.state.save(p);
    if (scan.kind === 'missing') return null;
    if (scan.kind === 'file') return { oid: scan.files[0].oid, size: scan.files[0].size };
    const entries: ManifestEntry[] = scan.files.map((f) => ({ path: f.path, oid: f.oid, size: f.size, exec: f.exec }));
    const text = serializeManifest(entries);
    return { oid: hashBuffer(text), size: entries.reduce((n, e) => n + e.size, 0), files: entries.length, entries };
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
