#!/usr/bin/env node
// `npm run demo:pipeline`: the worked pipeline of fixtures/pipeline end to end, no
// credentials: repro, change a param (only the affected stages run), revert (restored
// from the run cache), push to a folder remote, clone, pull, and repro runs nothing.
// Then a short experiments tour: two `dvd exp run -S` runs, `dvd exp show`, `dvd plots
// diff` writing the page, `dvd exp apply` of the best and a `dvd metrics check` gate.
// Prints each command; exits non-zero if any step does not do what it should.
import fs from 'node:fs';
import path from 'node:path';
import { demoShell, project } from './demoShell.js';

const { base, run, shareAndClone } = demoShell('dvd-demo-pipeline-');
const work = path.join(base, 'project');

function expect(label, ok) {
  if (!ok) {
    process.stderr.write(`\nFAILED: ${label}\n`);
    process.exit(1);
  }
  process.stdout.write(`  ok: ${label}\n`);
}

const ran = (out) => [...out.matchAll(/^Running stage (\S+):/gm)].map((m) => m[1]);
const setLr = (dir, lr) => {
  const f = path.join(dir, 'params.yaml');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/lr: .*/, `lr: ${lr}`));
  process.stdout.write(`\n(params.yaml: train.lr = ${lr})\n`);
};

fs.cpSync(path.join(project, 'fixtures', 'pipeline'), work, { recursive: true });
run(work, 'git', 'init', '-q', '-b', 'main');
run(work, 'dvd', 'init');
run(work, 'dvd', 'add', 'data/raw');
run(work, 'dvd', 'dag');

let out = run(work, 'dvd', 'repro');
expect('first repro runs every stage', ran(out).join(' ') === 'prepare train evaluate@train evaluate@test');
run(work, 'git', 'add', '-A');
run(work, 'git', 'commit', '-qm', 'pipeline, lr 0.02');
const model1 = fs.readFileSync(path.join(work, 'model.json'), 'utf8');

setLr(work, '0.01');
run(work, 'dvd', 'status');
out = run(work, 'dvd', 'repro', '--dry');
expect('--dry says why train runs', /train: would run: .*params\.yaml train\.lr 0\.02 -> 0\.01/.test(out));
out = run(work, 'dvd', 'repro');
expect('only train and the evaluations run (prepare is unchanged)', ran(out).join(' ') === 'train evaluate@train evaluate@test' && /prepare: unchanged/.test(out));

setLr(work, '0.02');
out = run(work, 'dvd', 'repro');
expect('reverting the param restores every stage from the run cache', ran(out).length === 0 && /train: restored from run cache/.test(out));
expect('model.json is the first run\'s, byte for byte', fs.readFileSync(path.join(work, 'model.json'), 'utf8') === model1);

const clone = shareAndClone(work);
out = run(clone, 'dvd', 'repro');
expect('in the clone, after pull, repro runs nothing', ran(out).length === 0 && /Pipeline is up to date/.test(out));
expect('the clone\'s model is the same bytes', fs.readFileSync(path.join(clone, 'model.json'), 'utf8') === model1);
setLr(clone, '0.01');
out = run(clone, 'dvd', 'repro');
expect('the clone restores the lr 0.01 run made in the first checkout', ran(out).length === 0 && /train: restored from run cache/.test(out));

process.stdout.write('\n--- Experiments: try params without committing, compare, keep the best ---\n');
out = run(work, 'dvd', 'exp', 'run', '-S', 'train.lr=0.015', '-n', 'lr-0.015');
expect('exp run recorded lr-0.015 under refs/exps/', /Ran experiment lr-0\.015/.test(out));
// The workspace holds lr-0.015's results now, so the next run sets every param it changes.
out = run(work, 'dvd', 'exp', 'run', '-S', 'train.lr=0.02', '-S', 'train.epochs=80', '-n', 'longer');
expect('exp run recorded longer; the branch did not move', /Ran experiment longer/.test(out) && run(work, 'git', 'branch', '--show-current').trim() === 'main');
out = run(work, 'dvd', 'exp', 'show', '--sort-by', 'train.mse');
const rows = out.split('\n');
expect('exp show lists both experiments, best (lowest train.mse) first', rows.findIndex((l) => /longer/.test(l)) < rows.findIndex((l) => /lr-0\.015/.test(l)) && rows.some((l) => /lr-0\.015/.test(l)));
run(work, 'dvd', 'exp', 'diff', 'lr-0.015', 'longer');
out = run(work, 'dvd', 'plots', 'diff', 'main', 'lr-0.015', 'longer', '-o', path.join(base, 'plots'));
const page = fs.readFileSync(path.join(base, 'plots', 'index.html'), 'utf8');
expect('plots diff wrote one self-contained page overlaying main, lr-0.015 and longer', out.trim() === `file://${path.join(base, 'plots', 'index.html')}` && page.includes('"series":["main","lr-0.015","longer"]') && !/<script[^>]+src=/.test(page));
run(work, 'dvd', 'exp', 'apply', 'longer');
expect('exp apply put longer\'s params into the workspace', /epochs: 80/.test(fs.readFileSync(path.join(work, 'params.yaml'), 'utf8')));
run(work, 'dvd', 'metrics', 'check', 'train.mse < 0.1');
run(work, 'git', 'commit', '-qam', 'train longer (experiment longer)');
process.stdout.write(`\nOpen the plots page: file://${path.join(base, 'plots', 'index.html')}\n`);

process.stdout.write(`\nDemo finished; everything is in ${base}\n`);
