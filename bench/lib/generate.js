// Deterministic, seeded workloads. File bytes come from AES-128-CTR keystreams (key from
// the seed and workload name, IV from file index and version), which Node produces at
// well over 1 GB/s on one core, so generation is bounded by the disk, not the PRNG. The
// data is incompressible and every file is distinct, so neither Git's zlib nor dvd's
// content addressing gets a free ride from duplicates.
import { createCipheriv, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Workload shapes. `quick` ones are small copies of the real ones for --quick. */
export const WORKLOADS = {
  many: { files: 20_000, size: 100 * KiB, desc: '20,000 files x 100 KiB in 200 nested folders' },
  large: { files: 4, size: 1 * GiB, desc: '4 files x 1 GiB' },
  count: { files: 100_000, size: 1 * KiB, desc: '100,000 files x 1 KiB in 1,100 nested folders' },
  'scale-10k': { files: 10_000, size: 1 * KiB, desc: '10,000 files x 1 KiB', scaling: true },
  'scale-100k': { files: 100_000, size: 1 * KiB, desc: '100,000 files x 1 KiB', scaling: true },
  'scale-1m': { files: 1_000_000, size: 1 * KiB, desc: '1,000,000 files x 1 KiB', scaling: true },
  'many-quick': { files: 500, size: 100 * KiB, desc: '500 files x 100 KiB (quick)' },
  'large-quick': { files: 2, size: 32 * MiB, desc: '2 files x 32 MiB (quick)' },
  'count-quick': { files: 2_000, size: 1 * KiB, desc: '2,000 files x 1 KiB (quick)' },
  pipeline: { files: 20_000, size: 1 * KiB, desc: '20-stage DAG over 20,000 files x 1 KiB; 200-stage dry run', pipeline: true },
  'pipeline-quick': { files: 2_000, size: 1 * KiB, desc: '20-stage DAG over 2,000 files x 1 KiB (quick)', pipeline: true },
  // Not a dataset: a model registry of 2,000 Git tags (bench/lib/makeRegistry.js).
  registry: { files: 0, size: 0, desc: '2,000 registry tags: 100 artifacts x (10 versions + 10 stage events)', registry: true },
  // Not a dataset: 500 commits of training runs and 200 experiments (bench/lib/makeExperiments.js).
  experiments: { files: 0, size: 0, desc: '500 commits of metrics and params on main, 200 experiments of its tip under refs/exps/', experiments: true },
};

export function totalBytes(w) {
  return w.files * w.size;
}

/** Relative path of file i: 100 files per leaf folder, 10 leaves per top folder. */
export function filePath(w, i) {
  if (w.files <= 8) return `f${i}.bin`;
  const leaf = Math.floor(i / 100);
  const top = Math.floor(leaf / 10);
  return `d${String(top).padStart(3, '0')}/s${leaf % 10}/f${String(i).padStart(7, '0')}.bin`;
}

function keyFor(seed, name) {
  return createHash('sha256').update(`dvd-bench:${seed}:${name}`).digest().subarray(0, 16);
}

function ivFor(i, version) {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(i >>> 0, 0);
  iv.writeUInt32BE(version >>> 0, 4);
  return iv;
}

const ZERO = Buffer.alloc(8 * MiB);

/** Write file i of workload w at `version` (0 = the original) to `file`. */
export function writeFileVersion(w, seed, name, i, version, file) {
  const cipher = createCipheriv('aes-128-ctr', keyFor(seed, name), ivFor(i, version));
  if (w.size <= ZERO.length) {
    fs.writeFileSync(file, cipher.update(ZERO.subarray(0, w.size)));
    return;
  }
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = w.size; left > 0; left -= ZERO.length) {
      fs.writeSync(fd, cipher.update(ZERO.subarray(0, Math.min(left, ZERO.length))));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Generate workload `name` into dir (skipped when a matching marker is there). */
export function generate(name, seed, dir) {
  const w = WORKLOADS[name];
  const marker = path.join(dir, '.bench-generated');
  const tag = JSON.stringify({ name, seed, files: w.files, size: w.size });
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === tag) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const made = new Set();
  for (let i = 0; i < w.files; i++) {
    const rel = filePath(w, i);
    const d = path.dirname(rel);
    if (d !== '.' && !made.has(d)) {
      fs.mkdirSync(path.join(dir, d), { recursive: true });
      made.add(d);
    }
    writeFileVersion(w, seed, name, i, 0, path.join(dir, rel));
  }
  fs.writeFileSync(marker, tag);
  return true;
}

/** A seeded PRNG (mulberry32) for choosing which files change. */
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The indices of the 1% of files (at least one) that a "1% change" rewrites. */
export function changedSet(name, seed) {
  const w = WORKLOADS[name];
  const n = Math.max(1, Math.round(w.files / 100));
  const rnd = mulberry32(seed ^ 0x5eed);
  const picked = new Set();
  while (picked.size < n) picked.add(Math.floor(rnd() * w.files));
  return [...picked].sort((a, b) => a - b);
}

/** Rewrite the 1% set of files under `dataDir` with the bytes of `version`. */
export function applyChange(name, seed, dataDir, version) {
  const w = WORKLOADS[name];
  for (const i of changedSet(name, seed)) {
    const file = path.join(dataDir, filePath(w, i));
    // Files may be read-only (hardlink cache type): replace, never write through.
    fs.rmSync(file, { force: true });
    writeFileVersion(w, seed, name, i, version, file);
  }
}
