// The experiments workload (issue 13): a repository whose main branch has `commits`
// commits, each a training run (params.yaml, dvd.lock and a committed metrics.json
// change), and `experiments` experiments of its tip under refs/exps/, like `dvd exp run`
// records them. Written by two `git fast-import` runs (the second needs the tip's id for
// the ref names), not by running anything: the timed commands only read history.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const hex = (s) => createHash('sha256').update(s).digest('hex');
const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;

export const EXP_DVD_YAML = `stages:
  train:
    cmd: python train.py --lr \${train.lr}
    deps: [train.py]
    params: [train]
    outs: [model.bin]
    metrics: [{metrics.json: {cache: false}}]
`;

/** The files of run `i`: params, metrics and the dvd.lock a repro would write. */
function run(i, lr, epochs) {
  const params = `train:\n  lr: ${lr}\n  epochs: ${epochs}\n  batch: 32\n`;
  const acc = Number((0.6 + 0.35 * (1 - Math.exp(-i / 60)) - lr).toFixed(4));
  const metrics = `${JSON.stringify({ acc, loss: { train: Number((1 - acc).toFixed(4)), val: Number((1.1 - acc).toFixed(4)) }, epochs })}\n`;
  const lock = [
    "schema: '1'",
    'stages:',
    '  train:',
    `    cmd: python train.py --lr ${lr}`,
    '    deps:',
    `    - {path: train.py, oid: sha256:${hex('train.py')}, size: 2048}`,
    '    params:',
    `      params.yaml: {train.batch: 32, train.epochs: ${epochs}, train.lr: ${lr}}`,
    '    outs:',
    `    - {path: metrics.json, oid: sha256:${hex(metrics)}, size: ${Buffer.byteLength(metrics)}, cache: false}`,
    `    - {path: model.bin, oid: sha256:${hex(`model ${i} ${lr}`)}, size: 4096}`,
    '',
  ].join('\n');
  return { params, metrics, lock };
}

const files = (r) => ['params.yaml', 'metrics.json', 'dvd.lock'].map((f, k) => `M 100644 inline ${f}\n${data([r.params, r.metrics, r.lock][k])}`).join('');

function fastImport(repo, stream, env) {
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git fast-import: ${r.stderr}`);
}

/**
 * Fill `repo` (a dvd repository on branch main with one commit) with the history and
 * the experiments; returns the baseline commit (main's tip).
 */
export function makeExperiments(repo, { commits = 500, experiments = 200, env = process.env } = {}) {
  let t = 1_700_000_000;
  const who = () => `bench <bench@example.com> ${(t += 60)} +0000`;
  const parts = [];
  for (let i = 1; i <= commits; i++) {
    const r = run(i, Number((0.001 * (1 + (i % 50))).toFixed(4)), 10 + (i % 7));
    parts.push(`commit refs/heads/main\ncommitter ${who()}\n${data(`run ${i}`)}${i === 1 ? 'from refs/heads/main^0\n' : ''}${i === 1 ? `M 100644 inline dvd.yaml\n${data(EXP_DVD_YAML)}M 100644 inline train.py\n${data('# trains\n')}` : ''}${files(r)}`);
  }
  fastImport(repo, parts.join(''), env);
  const base = spawnSync('git', ['rev-parse', 'main'], { cwd: repo, encoding: 'utf8', env }).stdout.trim();
  const exps = [];
  for (let e = 1; e <= experiments; e++) {
    const name = `exp-${String(e).padStart(3, '0')}`;
    const lr = Number((0.0005 * e).toFixed(4));
    const r = run(commits + e, lr, 10 + (e % 5));
    const msg = `exp ${name}: train.lr=${lr}\n\nDvd-Exp: ${name}\nDvd-Exp-Status: ${e % 25 === 0 ? 'failed' : 'success'}\nDvd-Exp-Set: train.lr=${lr}\nDvd-Exp-Started: 2026-01-01T00:00:00.000Z\nDvd-Exp-Finished: 2026-01-01T00:01:00.000Z\n`;
    exps.push(`commit refs/exps/${base.slice(0, 2)}/${base.slice(2)}/${name}\ncommitter ${who()}\n${data(msg)}from ${base}\n${files(r)}`);
  }
  fastImport(repo, exps.join(''), env);
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: repo, env });
  return base;
}
