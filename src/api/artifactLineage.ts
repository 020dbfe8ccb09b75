import fs from 'node:fs';
import { DvdError } from '../core/errors.js';
import { parseManifest } from '../core/manifest.js';
import { objectPath } from '../core/objectPath.js';
import type { GitRepo } from '../git/gitHandle.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import type { Lineage } from '../pipeline/lineage.js';
import { parseMetrics } from '../pipeline/readMetrics.js';
import type { Pipeline } from '../pipeline/stage.js';
import { findTrackedAtRev } from './findTrackedAtRev.js';

export interface LineageOptions {
  git: GitRepo;
  /** The local cache (folder manifests, cached metrics files); null when there is none. */
  cacheDir: string | null;
  commit: string;
  /** What the user typed for the commit, for messages. */
  rev: string;
  artifact: string;
  /** Repo-relative path of the artifact. */
  path: string;
  /** dvd.yaml at the commit (for the producing stage's metrics files), or null. */
  pipeline: Pipeline | null;
}

/**
 * The lineage of `path` at `commit`, read from Git objects and the local cache only:
 * the oid and size of the data, the stage that made it (its dvd.lock entry) and that
 * stage's metrics. A path inside a tracked folder is found through the folder's
 * manifest in the cache. Throws ENOTTRACKED (exit 2) when dvd does not track the path
 * at that commit, with the fix. Metrics that cannot be read are left out and reported
 * in `warnings`, so one bad metrics file does not block a registration.
 */
export async function artifactLineage(o: LineageOptions): Promise<{ lineage: Lineage; warnings: string[] }> {
  const warnings: string[] = [];
  const found = await findTrackedAtRev(o.git, o.commit, o.rev, o.path);
  if (!found.ref) {
    throw new DvdError('ENOTTRACKED', `${o.path} is not tracked by dvd at ${o.rev} (no ${o.path}.dvd pointer, no stage output in dvd.lock)`, {
      exitCode: 2,
      hint: `track it first (dvd add ${o.path}, or make it an output of a stage and dvd repro), commit, then register${found.tracked.length ? `; tracked there: ${found.tracked.slice(0, 8).join(', ')}` : ''}`,
    });
  }
  const { ref } = found;
  let data = { oid: ref.pointer.oid, size: ref.pointer.size, files: ref.pointer.files };
  if (ref.target !== o.path) {
    // A file or folder inside a tracked folder: its own oid comes from the manifest.
    const manifest = o.cacheDir ? objectPath(o.cacheDir, ref.pointer.oid) : null;
    if (!manifest || !fs.existsSync(manifest)) {
      throw new DvdError('ENOOBJECT', `${o.path} is inside ${ref.target}, whose manifest at ${o.rev} is not in the cache`, { hint: `dvd pull ${ref.target} (or dvd fetch --rev ${o.rev}), then register again` });
    }
    const entries = parseManifest(fs.readFileSync(manifest, 'utf8'), `${o.rev}:${ref.pointerFile} manifest`);
    const inner = o.path.slice(ref.target.length + 1);
    const file = entries.find((e) => e.path === inner);
    if (!file) throw new DvdError('ENOTTRACKED', `${o.path}: no such file in ${ref.target} at ${o.rev}`, { exitCode: 2, hint: 'register the folder, or a file it holds' });
    data = { oid: file.oid, size: file.size, files: undefined };
  }
  const lineage: Lineage = { artifact: o.artifact, path: o.path, commit: o.commit, oid: data.oid, size: data.size };
  if (data.files !== undefined) lineage.files = data.files;
  if (!found.stage) {
    lineage.pointer = ref.pointerFile;
    return { lineage, warnings };
  }
  lineage.stage = found.stage.name;
  lineage.lock = found.stage.entry;
  const stage = o.pipeline?.stages.find((s) => s.name === found.stage!.name);
  const metricsFiles = stage?.outs.filter((x) => x.kind === 'metric') ?? [];
  if (o.pipeline && !stage) warnings.push(`stage ${found.stage.name} is in dvd.lock but not in dvd.yaml at ${o.rev}: no metrics recorded`);
  const metrics: NonNullable<Lineage['metrics']> = {};
  for (const m of metricsFiles) {
    const locked = found.stage.entry.outs.find((x) => x.path === m.path);
    let bytes: Buffer | null = null;
    if (!m.cache) bytes = await readFileAtRev(o.git, o.commit, m.path);
    else if (locked && locked.files === undefined && o.cacheDir) {
      const p = objectPath(o.cacheDir, locked.oid);
      bytes = fs.existsSync(p) ? fs.readFileSync(p) : null;
    }
    if (bytes === null) {
      warnings.push(`metrics ${m.path}: not ${m.cache ? 'in the cache' : 'committed'} at ${o.rev}; left out of the lineage`);
      continue;
    }
    try {
      metrics[m.path] = parseMetrics(bytes.toString('utf8'), `${o.rev}:${m.path}`);
    } catch (err) {
      warnings.push(`${(err as Error).message}; left out of the lineage`);
    }
  }
  if (Object.keys(metrics).length) lineage.metrics = metrics;
  return { lineage, warnings };
}
