import { commitAll, dvdOk } from './helpers.js';
import { pipelineRepo } from './pipelineHelpers.js';

// One stage: `train.cjs LR EPOCHS` writes a model (a cached output) and metrics (committed)
// that follow from the params, so every experiment's numbers are known. LR above 0.5
// "diverges": the command fails. With MEET_DIR set, each run stamps its start there and
// waits until two runs have started (a handshake: run one after the other, the first
// gives up after 60 s and fails), then stamps its end.
export const EXP_YAML = `stages:
  train:
    cmd: node train.cjs \${train.lr} \${train.epochs}
    deps: [train.cjs]
    params: [train]
    outs: [model.txt]
    metrics: [{metrics.json: {cache: false}}]
`;
export const TRAIN = `const fs = require('fs');
const [lr, epochs] = process.argv.slice(2).map(Number);
if (lr > 0.5) { console.error('diverged at lr ' + lr); process.exit(3); }
const d = process.env.MEET_DIR;
if (d) {
  const now = () => String(process.hrtime.bigint());
  fs.writeFileSync(d + '/' + lr + '.start', now());
  const until = Date.now() + 60000;
  while (fs.readdirSync(d).filter((f) => f.endsWith('.start')).length < 2) {
    if (Date.now() > until) { console.error('the other run never started'); process.exit(9); }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  fs.writeFileSync(d + '/' + lr + '.end', now());
}
fs.writeFileSync('model.txt', 'weights ' + (lr * epochs).toFixed(4) + '\\n');
fs.writeFileSync('metrics.json', JSON.stringify({ acc: Number((1 - lr).toFixed(4)), loss: Number((lr * epochs).toFixed(4)) }) + '\\n');
console.log('trained with lr ' + lr);
`;

export const expParams = (lr: number, epochs = 10) => `# training settings\ntrain:\n  lr: ${lr}  # step size\n  epochs: ${epochs}\n`;

/** A repository whose baseline (lr 0.1) is run and committed; returns it and the baseline commit. */
export function expRepo(): { repo: string; base: string } {
  const repo = pipelineRepo(EXP_YAML, { 'train.cjs': TRAIN, 'params.yaml': expParams(0.1) });
  dvdOk(repo, ['repro']);
  const base = commitAll(repo, 'baseline lr 0.1');
  return { repo, base };
}
