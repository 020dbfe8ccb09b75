import { commitAll, dvdOk, writeFiles } from './helpers.js';
import { pipelineRepo } from './pipelineHelpers.js';

// Two plots files per run: a loss curve (CSV, x and y from dvd.yaml, axis titles too) and
// a JSON file with two y fields. `curve.cjs SCALE` writes them; each commit scales them.
export const PLOTS_YAML = `stages:
  train:
    cmd: node curve.cjs \${scale}
    deps: [curve.cjs]
    params: [scale]
    plots:
    - plots/loss.csv: {x: epoch, y: loss, x_label: Epoch, y_label: Training loss, title: Loss per epoch, cache: false}
    - plots/acc.json: {x: step, y: [train, val], cache: false}
`;
export const CURVE = `const fs = require('fs');
const k = Number(process.argv[2]);
fs.mkdirSync('plots', { recursive: true });
let csv = 'epoch,loss\\n';
for (let e = 1; e <= 5; e++) csv += e + ',' + (k / e).toFixed(3) + '\\n';
fs.writeFileSync('plots/loss.csv', csv);
fs.writeFileSync('plots/acc.json', JSON.stringify([1, 2, 3].map((s) => ({ step: s, train: 0.5 + s / 10 / k, val: 0.4 + s / 10 / k }))));
`;

/** Three versions: v1 (scale 1), v2 (scale 2, committed) and the workspace (scale 3). */
export function plotsRepo(): { repo: string; v1: string; v2: string } {
  const repo = pipelineRepo(PLOTS_YAML, { 'params.yaml': 'scale: 1\n', 'curve.cjs': CURVE });
  dvdOk(repo, ['repro']);
  const v1 = commitAll(repo, 'scale 1');
  writeFiles(repo, { 'params.yaml': 'scale: 2\n' });
  dvdOk(repo, ['repro']);
  const v2 = commitAll(repo, 'scale 2');
  writeFiles(repo, { 'params.yaml': 'scale: 3\n' });
  dvdOk(repo, ['repro']);
  return { repo, v1, v2 };
}
