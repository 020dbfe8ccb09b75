// The pipeline workload (issue 12): a 20-stage DAG over a 20,000-file dvd-tracked
// dataset, timing `dvd repro` with nothing changed against `dvd status` on the same
// repository, and `dvd repro --dry` over 200 stages. Commands run only in the untimed
// setup; the timed runs measure dvd's deciding: load dvd.yaml and dvd.lock, scan every
// dep and output through the stat cache, compare.
import fs from 'node:fs';
import path from 'node:path';

/**
 * dvd.yaml of the 20-stage DAG over data/ (generate.js: 1,000 files per top folder
 * dNNN, 100 per subfolder): ten stages each read one top folder (one subfolder of d000
 * for workloads under 10,000 files).
 */
export function twentyStages(files) {
  const scanDir = (i) => (files >= 10_000 ? `d${String(i).padStart(3, '0')}` : `d000/s${i}`);
  const lines = ['stages:'];
  const stage = (name, cmd, deps, outs) => lines.push(`  ${name}:`, `    cmd: ${cmd}`, `    deps: [${deps.join(', ')}]`, `    outs: [${outs.join(', ')}]`);
  // 10 stages each read one top folder inside the tracked dataset (a dep inside a .dvd target).
  for (let i = 0; i < 10; i++) {
    const d = `d${String(i).padStart(3, '0')}`;
    stage(`scan-${d}`, `ls -R data/${scanDir(i)} | wc -l > out/scan-${d}.txt`, [`data/${scanDir(i)}`], [`out/scan-${d}.txt`]);
  }
  // One reads the whole dataset.
  stage('all', 'ls -R data | wc -l > out/all.txt', ['data'], ['out/all.txt']);
  // Two merge the scans.
  const scans = (from, to) => Array.from({ length: to - from }, (_, k) => `out/scan-d${String(from + k).padStart(3, '0')}.txt`);
  stage('merge-1', `cat ${scans(0, 5).join(' ')} > out/m1.txt`, scans(0, 5), ['out/m1.txt']);
  stage('merge-2', `cat ${scans(5, 10).join(' ')} > out/m2.txt`, scans(5, 10), ['out/m2.txt']);
  // Seven more in a chain over the merges and the whole-dataset count.
  let prev = ['out/m1.txt', 'out/m2.txt', 'out/all.txt'];
  for (let k = 1; k <= 7; k++) {
    stage(`report-${k}`, `cat ${prev.join(' ')} > out/r${k}.txt`, prev, [`out/r${k}.txt`]);
    prev = [`out/r${k}.txt`];
  }
  return `${lines.join('\n')}\n`;
}

/** dvd.yaml of 200 small stages: 20 chains of 10, each over one input file. */
export function twoHundredStages() {
  const lines = ['stages:'];
  for (let c = 0; c < 20; c++) {
    let prev = `in/i${c}.txt`;
    for (let k = 0; k < 10; k++) {
      const out = `out/c${c}-${k}.txt`;
      lines.push(`  c${c}-${k}:`, `    cmd: cp ${prev} ${out}`, `    deps: [${prev}]`, `    outs: [${out}]`);
      prev = out;
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Set up and time the pipeline workload. `h` holds the harness's helpers (run.js):
 * measure, dvd, dvdArgs, git, cpR, rm, log, timedOp.
 */
export async function runPipelineWorkload(name, { dir, src, files, h }) {
  const repo = path.join(dir, 'repo');
  h.rm(repo);
  fs.mkdirSync(repo);
  h.git(repo, 'init', '-q', '-b', 'main');
  h.cpR(src, path.join(repo, 'data'));
  h.rm(path.join(repo, 'data', '.bench-generated'));
  h.dvd(repo, 'init');
  h.dvd(repo, 'add', 'data');
  fs.mkdirSync(path.join(repo, 'out'));
  fs.writeFileSync(path.join(repo, 'dvd.yaml'), twentyStages(files));
  let t = Date.now();
  h.dvd(repo, 'repro', '-j', '2');
  h.log(`  first repro of 20 stages (untimed): ${((Date.now() - t) / 1000).toFixed(1)} s`);
  h.git(repo, 'add', '-A');
  h.git(repo, 'commit', '-q', '-m', 'pipeline');
  if (h.timedOp('repro-noop')) {
    await h.measure({ workload: name, op: 'repro-noop', tool: 'dvd', label: 'dvd repro (20 stages, nothing changed)', cmd: process.execPath, args: h.dvdArgs('repro'), cwd: repo });
  }
  if (h.timedOp('status')) {
    await h.measure({ workload: name, op: 'status', tool: 'dvd', label: 'dvd status (same repo: 20,000 files + 20 stages)', cmd: process.execPath, args: h.dvdArgs('status'), cwd: repo });
  }

  const many = path.join(dir, 'repo200');
  h.rm(many);
  fs.mkdirSync(path.join(many, 'in'), { recursive: true });
  fs.mkdirSync(path.join(many, 'out'));
  h.git(many, 'init', '-q', '-b', 'main');
  h.dvd(many, 'init');
  for (let c = 0; c < 20; c++) fs.writeFileSync(path.join(many, 'in', `i${c}.txt`), `input ${c}\n`);
  fs.writeFileSync(path.join(many, 'dvd.yaml'), twoHundredStages());
  t = Date.now();
  h.dvd(many, 'repro', '-j', '2');
  h.log(`  first repro of 200 stages (untimed): ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (h.timedOp('repro-dry-200')) {
    await h.measure({ workload: name, op: 'repro-dry-200', tool: 'dvd', label: 'dvd repro --dry (200 stages, nothing changed)', cmd: process.execPath, args: h.dvdArgs('repro', '--dry'), cwd: many });
    // And with one input changed: 10 stages would run.
    fs.writeFileSync(path.join(many, 'in', 'i0.txt'), 'changed\n');
    await h.measure({ workload: name, op: 'repro-dry-200-changed', tool: 'dvd', label: 'dvd repro --dry (200 stages, one chain of 10 changed)', cmd: process.execPath, args: h.dvdArgs('repro', '--dry'), cwd: many });
  }
}
