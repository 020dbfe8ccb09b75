import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, writeFiles } from './helpers.js';
import { pipelineRepo, read } from './pipelineHelpers.js';

// What `exp apply` leaves in the workspace and what `exp run` puts into an experiment's
// commit: a repository as a new user sets one up (dvd-tracked data, params, a stage
// writing committed metrics and plots and a cached model), baseline lr 0.2 committed.
const YAML = `stages:
  train:
    cmd: node train.cjs \${train.lr} \${train.epochs}
    deps: [train.cjs, data]
    params: [train]
    outs: [model.txt]
    metrics: [{metrics.json: {cache: false}}]
    plots: [{plots/loss.csv: {cache: false, x: step, y: loss}}]
`;
const TRAIN = `const fs = require('fs');
const [lr, epochs] = process.argv.slice(2).map(Number);
const rows = fs.readFileSync('data/train.csv', 'utf8').trim().split('\\n').length;
fs.mkdirSync('plots', { recursive: true });
fs.writeFileSync('model.txt', 'weights ' + (lr * epochs).toFixed(4) + ' rows ' + rows + '\\n');
fs.writeFileSync('metrics.json', JSON.stringify({ acc: Number((1 - lr).toFixed(4)), rows }) + '\\n');
fs.writeFileSync('plots/loss.csv', 'step,loss\\n' + [1, 2, 3].map((s) => s + ',' + (lr / s).toFixed(4)).join('\\n') + '\\n');
`;
const params = (lr: number, epochs = 10) => `train:\n  lr: ${lr}\n  epochs: ${epochs}\n`;

function trialRepo(): { repo: string; base: string } {
  const repo = pipelineRepo(YAML, { 'train.cjs': TRAIN, 'params.yaml': params(0.2), 'data/train.csv': 'a,b\n1,2\n' });
  dvdOk(repo, ['add', 'data']);
  dvdOk(repo, ['repro']);
  return { repo, base: commitAll(repo, 'baseline lr 0.2') };
}

const results = (repo: string) => ({ params: read(repo, 'params.yaml'), metrics: read(repo, 'metrics.json'), loss: read(repo, 'plots/loss.csv'), lock: read(repo, 'dvd.lock'), model: read(repo, 'model.txt') });
const expDiff = (repo: string, name: string) => {
  const d = JSON.parse(dvdOk(repo, ['exp', 'diff', name, 'workspace', '--json']).stdout);
  return { params: d.params, metrics: d.metrics };
};
const treeFiles = (repo: string, rev: string) => git(repo, 'ls-tree', '-r', '--name-only', rev).trim().split('\n');

describe('exp apply puts the experiment in the workspace, whatever another experiment left there', () => {
  it('an experiment equal to HEAD replaces the results another experiment left; exp diff NAME workspace is empty', () => {
    const { repo } = trialRepo();
    const head = results(repo);
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.2', '-n', 'same-as-head']);
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.5', '-n', 'half']);
    expect(read(repo, 'params.yaml')).toBe(params(0.5));
    dvdOk(repo, ['exp', 'apply', 'same-as-head']);
    expect(results(repo)).toEqual(head);
    expect(expDiff(repo, 'same-as-head')).toEqual({ params: {}, metrics: {} });
    // And back: half's results, then same-as-head's again.
    dvdOk(repo, ['exp', 'apply', 'half']);
    expect(read(repo, 'params.yaml')).toBe(params(0.5));
    expect(expDiff(repo, 'half')).toEqual({ params: {}, metrics: {} });
    dvdOk(repo, ['exp', 'apply', 'same-as-head']);
    expect(results(repo)).toEqual(head);
  });

  it('an edit no experiment recorded still blocks it (params file, even one the experiment left as HEAD has it); -f overwrites; other edits stay', () => {
    const { repo } = trialRepo();
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.2', '-n', 'same-as-head']);
    fs.writeFileSync(path.join(repo, 'params.yaml'), params(0.7));
    fs.appendFileSync(path.join(repo, 'train.cjs'), '// my note\n');
    const r = dvd(repo, ['exp', 'apply', 'same-as-head']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('uncommitted changes: params.yaml');
    expect(read(repo, 'params.yaml')).toBe(params(0.7));
    dvdOk(repo, ['exp', 'apply', 'same-as-head', '-f']);
    expect(read(repo, 'params.yaml')).toBe(params(0.2));
    expect(read(repo, 'train.cjs')).toBe(`${TRAIN}// my note\n`);
  });

  it('an experiment from an older baseline: only its own changes are applied, newer commits stay; a path both changed is refused unless -f', () => {
    const { repo, base } = trialRepo();
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.3', '-n', 'k0.3']);
    const exp = results(repo);
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout', '-f']);
    writeFiles(repo, { 'NOTES.md': 'notes\n' });
    dvdOk(repo, ['config', 'core.autostage', 'true']);
    const newer = commitAll(repo, 'notes and config');
    const config = read(repo, '.dvd/config');
    const r = dvdOk(repo, ['exp', 'apply', 'k0.3']);
    expect(r.stdout).toContain(`baseline ${base.slice(0, 7)}, not HEAD`);
    expect(read(repo, 'NOTES.md')).toBe('notes\n');
    expect(read(repo, '.dvd/config')).toBe(config);
    expect(results(repo)).toEqual(exp);
    expect(expDiff(repo, 'k0.3')).toEqual({ params: {}, metrics: {} });
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(newer);
    // HEAD changes params.yaml too (epochs): both changed it since the baseline.
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout', '-f']);
    fs.writeFileSync(path.join(repo, 'params.yaml'), params(0.2, 20));
    commitAll(repo, 'epochs 20');
    const c = dvd(repo, ['exp', 'apply', 'k0.3']);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('params.yaml');
    expect(c.stderr).toContain('changed since');
    expect(read(repo, 'params.yaml')).toBe(params(0.2, 20));
    expect(read(repo, 'NOTES.md')).toBe('notes\n');
    dvdOk(repo, ['exp', 'apply', 'k0.3', '-f']);
    expect(read(repo, 'params.yaml')).toBe(params(0.3));
    expect(read(repo, 'NOTES.md')).toBe('notes\n');
  });
});

describe('exp run records tracked files and what the pipeline writes, not other untracked files', () => {
  it('.env, a scratch notebook, an un-added folder and the plots page stay out, named in a warning; new outputs go in', () => {
    const { repo } = trialRepo();
    // The plots file is not committed yet: the experiment's run writes it.
    git(repo, 'rm', '-q', '--cached', 'plots/loss.csv');
    git(repo, 'commit', '-qm', 'plots not committed');
    writeFiles(repo, { '.env': 'SECRET=hunter2\n', 'scratch.ipynb': '{}\n', 'raw/big.csv': 'x\n', 'raw/more.csv': 'y\n' });
    dvdOk(repo, ['plots', 'show']);
    expect(read(repo, 'dvd_plots/.gitignore')).toContain('*');
    expect(git(repo, 'status', '--porcelain')).not.toContain('dvd_plots');
    // A folder of the user's own gets the page but no .gitignore.
    writeFiles(repo, { 'report/notes.md': 'mine\n' });
    dvdOk(repo, ['plots', 'show', '-o', 'report']);
    expect(fs.existsSync(path.join(repo, 'report/index.html'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'report/.gitignore'))).toBe(false);
    fs.rmSync(path.join(repo, 'report'), { recursive: true });
    const r = dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'clean']);
    expect(r.stderr).toContain('not in the experiment (untracked): .env, raw/, scratch.ipynb; git add them to include them');
    const files = treeFiles(repo, 'refs/exps/' + git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps').trim().split('refs/exps/')[1]);
    expect(files).toEqual(expect.arrayContaining(['params.yaml', 'dvd.lock', 'metrics.json', 'plots/loss.csv', 'data.dvd', 'train.cjs', '.gitignore']));
    for (const f of ['.env', 'scratch.ipynb', 'raw/big.csv', 'dvd_plots/index.html']) expect(files).not.toContain(f);
    // Queued: the same.
    const q = dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.4', '-n', 'later']);
    expect(q.stderr).toContain('not in the experiment (untracked): .env, raw/, scratch.ipynb');
    const qf = treeFiles(repo, 'refs/exps/queue/later');
    expect(qf).not.toContain('.env');
    expect(qf).toContain('params.yaml');
    // A tracked file's edit is in it.
    fs.appendFileSync(path.join(repo, 'train.cjs'), '// tuned\n');
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.35', '-n', 'code']);
    const code = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps/').split('\n').find((l) => l.endsWith('/code'))!;
    expect(git(repo, 'show', `${code}:train.cjs`)).toContain('// tuned');
  });
});

describe('exp run refuses data that differs from its pointer', () => {
  it('modified dvd-tracked data: refused before anything runs, naming it, hint dvd commit; --queue too; after dvd commit it runs', () => {
    const { repo } = trialRepo();
    fs.appendFileSync(path.join(repo, 'data/train.csv'), 'x\n');
    for (const extra of [[], ['--queue']]) {
      const r = dvd(repo, ['exp', 'run', ...extra, '-S', 'train.lr=0.3', '-n', 'datachg']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('data');
      expect(r.stderr).toContain('dvd commit data');
      expect(read(repo, 'params.yaml')).toBe(params(0.2));
      expect(git(repo, 'for-each-ref', 'refs/exps')).toBe('');
    }
    dvdOk(repo, ['commit', 'data']);
    dvdOk(repo, ['exp', 'run', '-q', '-S', 'train.lr=0.3', '-n', 'datachg']);
    const ref = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps').trim();
    // The commit's pointer names the data its dvd.lock says the run used.
    const lockOid = /\{path: data, oid: (sha256:[0-9a-f]{64})/.exec(git(repo, 'show', `${ref}:dvd.lock`))![1];
    expect(git(repo, 'show', `${ref}:data.dvd`)).toContain(`oid: ${lockOid}\n`);
    expect(git(repo, 'show', `HEAD:data.dvd`)).not.toContain(lockOid);
    expect(JSON.parse(git(repo, 'show', `${ref}:metrics.json`)).rows).toBe(3);
  });

  it('--run-all: a queued run whose data cannot be checked out as its pointers name is recorded as failed, repro not run', () => {
    const { repo } = trialRepo();
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.3', '-n', 'nodata']);
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true, force: true });
    const r = dvd(repo, ['exp', 'run', '--run-all']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Experiment nodata: failed .*\(dvd checkout: /);
    const ref = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps').trim();
    expect(ref).toMatch(/\/nodata$/);
    expect(git(repo, 'log', '-1', '--format=%B', ref)).toContain('Dvd-Exp-Status: failed');
    expect(git(repo, 'show', `${ref}:metrics.json`)).toBe(git(repo, 'show', 'HEAD:metrics.json'));
  });
});
