import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DVD_BIN, commitAll, dvd, dvdOk, git, storedOids, tempDir, watchExit, writeFiles } from './helpers.js';
import { EXP_YAML, TRAIN, expParams, expRepo } from './expHelpers.js';
import { pipelineRepo, read } from './pipelineHelpers.js';

const refs = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/exps').trim().split('\n').filter(Boolean);
const show = (repo: string, args: string[] = []) => JSON.parse(dvdOk(repo, ['exp', 'show', '--json', ...args]).stdout).rows as Row[];
interface Row {
  name: string;
  type: string;
  commit: string | null;
  baseline: string | null;
  status: string | null;
  started?: string;
  finished?: string;
  sets?: string[];
  error?: string;
  params: Record<string, Record<string, unknown>>;
  metrics: Record<string, Record<string, unknown>>;
}

describe('dvd exp run', () => {
  it('applies -S, runs repro in the workspace and records a commit under refs/exps/<baseline>/<name>; no branch moves', () => {
    const { repo, base } = expRepo();
    const r = dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-S', 'params.yaml:train.epochs=5', '-n', 'small-steps']);
    expect(r.stdout).toContain('Running stage train: ');
    expect(r.stdout).toContain(`Ran experiment small-steps`);
    const ref = `refs/exps/${base.slice(0, 2)}/${base.slice(2)}/small-steps`;
    const [line] = refs(repo);
    expect(line.split(' ')[0]).toBe(ref);
    const commit = line.split(' ')[1];
    expect(git(repo, 'rev-parse', `${commit}^`).trim()).toBe(base);
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(git(repo, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    // The workspace holds the experiment's results; the commit holds them too (comments kept).
    expect(read(repo, 'params.yaml')).toBe(expParams(0.2, 5).replace('0.2  #', '0.2 #'));
    expect(git(repo, 'show', `${commit}:params.yaml`)).toBe(read(repo, 'params.yaml'));
    expect(JSON.parse(git(repo, 'show', `${commit}:metrics.json`))).toEqual({ acc: 0.8, loss: 1 });
    expect(read(repo, 'model.txt')).toBe('weights 1.0000\n');
    expect(git(repo, 'show', `${commit}:dvd.lock`)).toContain('cmd: node train.cjs 0.2 5');
    const msg = git(repo, 'log', '-1', '--format=%B', commit);
    expect(msg).toMatch(/^exp small-steps: train\.lr=0\.2 params\.yaml:train\.epochs=5\n\nDvd-Exp: small-steps\nDvd-Exp-Status: success\nDvd-Exp-Set: train\.lr=0\.2\nDvd-Exp-Set: params\.yaml:train\.epochs=5\nDvd-Exp-Started: \S+Z\nDvd-Exp-Finished: \S+Z\n/);
    // The name is taken now; -f replaces it.
    const again = dvd(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'small-steps']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('an experiment called small-steps exists already');
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'small-steps', '-f']);
    expect(refs(repo)).toHaveLength(1);
    expect(JSON.parse(git(repo, 'show', `${ref}:metrics.json`))).toEqual({ acc: 0.7, loss: 1.5 });
  });

  it('-S with a key the params file does not have is refused before anything runs or changes', () => {
    const { repo } = expRepo();
    const before = { params: read(repo, 'params.yaml'), model: read(repo, 'model.txt') };
    const r = dvd(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-S', 'train.lrr=0.3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: -S train.lrr=0.3: params.yaml has no key train.lrr (did you mean train.lr?)');
    expect(r.stdout).toBe('');
    expect({ params: read(repo, 'params.yaml'), model: read(repo, 'model.txt') }).toEqual(before);
    expect(refs(repo)).toEqual([]);
    for (const bad of [['-S', 'nofile.yaml:a=1'], ['-S', 'train.lr'], ['-n', 'bad name', '-S', 'train.lr=1']]) {
      const b = dvd(repo, ['exp', 'run', ...bad]);
      expect(b.code, bad.join(' ')).toBe(2);
    }
    expect(refs(repo)).toEqual([]);
  });

  it('a repro that fails is recorded as failed, with its error and no results: show, apply and branch treat it so', () => {
    const { repo, base } = expRepo();
    const r = dvd(repo, ['exp', 'run', '-S', 'train.lr=0.9', '-n', 'too-fast']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('diverged at lr 0.9');
    expect(r.stderr).toMatch(/error: experiment too-fast failed: stage train failed: command "node train.cjs 0.9 10" exited with code 3/);
    expect(r.stderr).toContain('recorded as failed');
    const row = show(repo).find((x) => x.name === 'too-fast')!;
    expect(row).toMatchObject({ type: 'experiment', status: 'failed', baseline: base, metrics: {}, params: { 'params.yaml': { 'train.epochs': 10, 'train.lr': 0.9 } } });
    expect(row.error).toContain('exited with code 3');
    const text = dvdOk(repo, ['exp', 'show']).stdout;
    expect(text).toMatch(/└── too-fast\s+[0-9a-f]{7}\s+\S+ \S+\s+failed\s+-\s+-\s+10\s+0\.9\n/);
    const apply = dvd(repo, ['exp', 'apply', 'too-fast']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('experiment too-fast failed');
    expect(dvd(repo, ['exp', 'branch', 'too-fast', 'fast']).code).toBe(1);
    expect(git(repo, 'branch', '--list', 'fast')).toBe('');
  });
});

describe('dvd exp show', () => {
  const twoRuns = () => {
    const { repo, base } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'lr-0.2']);
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.05', '-S', 'train.epochs=40', '-n', 'lr-0.05']);
    return { repo, base };
  };

  it('one row for the workspace, the baseline and each experiment: params and metrics (JSON)', () => {
    const { repo, base } = twoRuns();
    const rows = show(repo);
    expect(rows.map((r) => [r.name, r.type, r.status])).toEqual([
      ['workspace', 'workspace', null],
      ['main', 'baseline', null],
      ['lr-0.2', 'experiment', 'success'],
      ['lr-0.05', 'experiment', 'success'],
    ]);
    expect(rows[1]).toMatchObject({ commit: base, params: { 'params.yaml': { 'train.epochs': 10, 'train.lr': 0.1 } }, metrics: { 'metrics.json': { acc: 0.9, loss: 1 } } });
    expect(rows[2]).toMatchObject({ baseline: base, sets: ['train.lr=0.2'], params: { 'params.yaml': { 'train.epochs': 10, 'train.lr': 0.2 } }, metrics: { 'metrics.json': { acc: 0.8, loss: 2 } } });
    expect(rows[3].metrics).toEqual({ 'metrics.json': { acc: 0.95, loss: 2 } });
    expect(rows[0].metrics).toEqual(rows[3].metrics);
    expect(Date.parse(rows[2].finished!)).toBeGreaterThanOrEqual(Date.parse(rows[2].started!));
  });

  it('a text table that fits the terminal (COLUMNS), naming what it left out; --md, --csv, --sort-by, --only-changed', () => {
    const { repo } = twoRuns();
    const wide = dvdOk(repo, ['exp', 'show']).stdout.split('\n');
    expect(wide[0].split(/\s{2,}/)).toEqual(['Experiment', 'rev', 'Created', 'acc', 'loss', 'train.epochs', 'train.lr']);
    expect(wide[3]).toMatch(/^├── lr-0\.2\s+[0-9a-f]{7}\s+\S+ \S+\s+0\.8\s+2\s+10\s+0\.2$/);
    const narrow = dvdOk(repo, ['exp', 'show'], { env: { COLUMNS: '52' } });
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(lines.every((l) => l.length <= 52)).toBe(true);
    expect(lines[0].split(/\s{2,}/)).toEqual(['Experiment', 'rev', 'Created', 'acc', 'loss']);
    expect(narrow.stderr).toContain('(2 more columns did not fit: train.epochs, train.lr;');
    const md = dvdOk(repo, ['exp', 'show', '--md', '--sort-by', 'acc', '--sort-order', 'desc', '--only-changed']).stdout.split('\n');
    expect(md[0]).toBe('| Experiment | rev | Created | acc | loss | train.epochs | train.lr |');
    expect(md.slice(2, 6).map((l) => l.split(' | ')[0])).toEqual(['| workspace', '| main', '| lr-0.05', '| lr-0.2']);
    const csv = dvdOk(repo, ['exp', 'show', '--csv', '--sort-by', 'loss', '--only-changed']).stdout.split('\n');
    expect(csv[0]).toBe('Experiment,rev,Created,acc,loss,train.epochs,train.lr');
    expect(csv.slice(1, 5).map((l) => l.split(',')[0])).toEqual(['workspace', 'main', 'lr-0.2', 'lr-0.05']);
    // With the workspace back at the baseline, only what the experiments changed is left.
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout']);
    writeFiles(repo, {});
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'lr-0.3']);
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout', '-f']);
    const only = dvdOk(repo, ['exp', 'show', '--csv', '--only-changed']).stdout.split('\n')[0];
    expect(only).toBe('Experiment,rev,Created,acc,loss,train.epochs,train.lr');
    const bad = dvd(repo, ['exp', 'show', '--sort-by', 'precision']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sort-by precision: no such metric or param');
  });
});

describe('exp diff, apply, branch, remove', () => {
  it('diff compares params and metrics of two experiments', () => {
    const { repo } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'a']);
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'b']);
    const doc = JSON.parse(dvdOk(repo, ['exp', 'diff', 'a', 'b', '--json']).stdout);
    expect(doc.params).toEqual({ 'params.yaml': { 'train.lr': { old: 0.2, new: 0.3 } } });
    expect(doc.metrics).toEqual({ 'metrics.json': { acc: { old: 0.8, new: 0.7, change: -0.1 }, loss: { old: 2, new: 3, change: 1 } } });
    const text = dvdOk(repo, ['exp', 'diff', 'a', 'main']).stdout;
    expect(text).toMatch(/^metrics\.json\s+acc\s+0\.8\s+0\.9\s+\+0\.1$/m);
    expect(text).toMatch(/^params\.yaml\s+train\.lr\s+0\.2\s+0\.1$/m);
    const r = dvd(repo, ['exp', 'diff', 'aa', 'b']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown revision "aa": no Git revision or experiment has that name (did you mean a?)');
  });

  it('apply writes the experiment\'s files and checks its outputs out; refuses to overwrite uncommitted edits unless -f', () => {
    const { repo, base } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'a']);
    const exp = { params: read(repo, 'params.yaml'), metrics: read(repo, 'metrics.json'), lock: read(repo, 'dvd.lock'), model: read(repo, 'model.txt') };
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout', '-f']);
    expect(read(repo, 'model.txt')).toBe('weights 1.0000\n');
    const r = dvdOk(repo, ['exp', 'apply', 'a']);
    expect(r.stdout).toContain('Applied experiment a');
    expect({ params: read(repo, 'params.yaml'), metrics: read(repo, 'metrics.json'), lock: read(repo, 'dvd.lock'), model: read(repo, 'model.txt') }).toEqual(exp);
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');
    // An edit the experiment does not have blocks it; nothing is written.
    git(repo, 'checkout', '--', '.');
    dvdOk(repo, ['checkout', '-f']);
    fs.appendFileSync(path.join(repo, 'params.yaml'), '# my note\n');
    const blocked = dvd(repo, ['exp', 'apply', 'a']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('1 file the experiment changes has uncommitted changes: params.yaml');
    expect(read(repo, 'metrics.json')).not.toBe(exp.metrics);
    dvdOk(repo, ['exp', 'apply', 'a', '-f']);
    expect(read(repo, 'params.yaml')).toBe(exp.params);
  });

  it('branch makes a branch on the experiment\'s commit; remove deletes refs after checking every name', () => {
    const { repo, base } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'a']);
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'b']);
    dvdOk(repo, ['exp', 'branch', 'a', 'tuned']);
    expect(git(repo, 'rev-parse', 'tuned^').trim()).toBe(base);
    expect(JSON.parse(git(repo, 'show', 'tuned:metrics.json'))).toEqual({ acc: 0.8, loss: 2 });
    expect(dvd(repo, ['exp', 'branch', 'b', 'tuned']).stderr).toContain('branch tuned exists already');
    const r = dvd(repo, ['exp', 'remove', 'a', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no experiment nope');
    expect(refs(repo)).toHaveLength(2);
    expect(dvdOk(repo, ['exp', 'remove', 'a']).stdout).toBe('Removed a\n');
    expect(show(repo).map((x) => x.name)).toEqual(['workspace', 'main', 'b']);
    dvdOk(repo, ['exp', 'remove', '--all']);
    expect(refs(repo)).toEqual([]);
  });
});

describe('the queue', () => {
  it('--run-all -j 2 runs two queued experiments at once, each in its own worktree on the shared cache; both results appear in exp show', () => {
    const { repo, base } = expRepo();
    const q1 = dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.2', '-n', 'q1']);
    expect(q1.stdout).toContain('Queued experiment q1');
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.3', '-n', 'q2']);
    // Queued: nothing ran, the workspace is as it was, the queue shows.
    expect(read(repo, 'params.yaml')).toBe(expParams(0.1));
    expect(refs(repo).map((l) => l.split(' ')[0])).toEqual(['refs/exps/queue/q1', 'refs/exps/queue/q2']);
    expect(show(repo).filter((r) => r.type === 'queued').map((r) => [r.name, r.status, r.params['params.yaml']['train.lr']])).toEqual([['q1', 'queued', 0.2], ['q2', 'queued', 0.3]]);
    const meet = tempDir('dvd-meet-');
    const r = dvdOk(repo, ['exp', 'run', '--run-all', '-j', '2'], { env: { MEET_DIR: meet } });
    expect(r.stdout).toContain('[q1] trained with lr 0.2\n');
    expect(r.stdout).toContain('[q2] trained with lr 0.3\n');
    // The handshake proves both commands ran at once; the recorded stamps overlap too.
    const stamp = (f: string) => BigInt(fs.readFileSync(path.join(meet, f), 'utf8'));
    expect(stamp('0.2.start') < stamp('0.3.end') && stamp('0.3.start') < stamp('0.2.end')).toBe(true);
    const rows = show(repo).filter((x) => x.type === 'experiment');
    expect(rows.map((x) => [x.name, x.status, x.baseline, x.metrics['metrics.json']])).toEqual([
      ['q1', 'success', base, { acc: 0.8, loss: 2 }],
      ['q2', 'success', base, { acc: 0.7, loss: 3 }],
    ]);
    const [a, b] = rows.map((x) => [Date.parse(x.started!), Date.parse(x.finished!)]);
    expect(a[0] <= b[1] && b[0] <= a[1]).toBe(true);
    expect(refs(repo).map((l) => l.split(' ')[0]).sort()).toEqual([`refs/exps/${base.slice(0, 2)}/${base.slice(2)}/q1`, `refs/exps/${base.slice(0, 2)}/${base.slice(2)}/q2`]);
    // The worktrees are gone; their outputs went to this repository's cache, so apply needs no transfer.
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(path.join(repo, '.git/dvd-exp'))).toBe(false);
    expect(read(repo, 'params.yaml')).toBe(expParams(0.1));
    dvdOk(repo, ['exp', 'apply', 'q2']);
    expect(read(repo, 'model.txt')).toBe('weights 3.0000\n');
  });

  // The worktrees sit under .git/dvd-exp/<name>, deeper than the repository: a relative
  // cache.dir must still name the repository's cache there (before: a second cache under
  // .git/dvd-exp/, and apply found no outputs).
  for (const level of ['repo', 'local'] as const) {
    it(`--run-all with a relative cache.dir (${level} level) runs on that cache, where exp apply reads the outputs`, () => {
      const repo = pipelineRepo(EXP_YAML, { 'train.cjs': TRAIN, 'params.yaml': expParams(0.1) });
      const cache = path.join(tempDir('dvd-cache-'), 'cache');
      dvdOk(repo, ['cache', 'dir', ...(level === 'local' ? ['--local'] : []), path.relative(repo, cache)]);
      dvdOk(repo, ['repro']);
      commitAll(repo, 'baseline lr 0.1');
      dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.3', '-n', 'q']);
      const before = storedOids(cache);
      dvdOk(repo, ['exp', 'run', '--run-all']);
      expect(storedOids(cache).length).toBeGreaterThan(before.length);
      expect(fs.existsSync(path.join(repo, '.git/dvd-exp'))).toBe(false);
      dvdOk(repo, ['exp', 'apply', 'q']);
      expect(read(repo, 'model.txt')).toBe('weights 3.0000\n');
    });
  }

  it('a queued experiment that fails is recorded as failed and the others still run; remove --queue empties the queue', () => {
    const { repo } = expRepo();
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.9', '-n', 'boom']);
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.2', '-n', 'fine']);
    const r = dvd(repo, ['exp', 'run', '--run-all']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[boom] diverged at lr 0.9');
    expect(r.stderr).toContain('error: 1 of 2 experiments failed: boom');
    const rows = show(repo).filter((x) => x.type === 'experiment');
    expect(rows.map((x) => [x.name, x.status, x.metrics])).toEqual([['boom', 'failed', {}], ['fine', 'success', { 'metrics.json': { acc: 0.8, loss: 2 } }]]);
    expect(rows[0].error).toContain('exited with code 3');
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.4']);
    expect(show(repo).filter((x) => x.type === 'queued')).toHaveLength(1);
    dvdOk(repo, ['exp', 'remove', '--queue']);
    expect(show(repo).filter((x) => x.type === 'queued')).toHaveLength(0);
    expect(refs(repo)).toHaveLength(2);
  });
});

describe('Ctrl-C during --run-all', () => {
  it('stops the run, keeps the experiment queued, removes its worktree and exits 130', async () => {
    const { repo } = expRepo();
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.2', '-n', 'waits']);
    // Alone, the run waits at the handshake for a second one that never comes.
    const meet = tempDir('dvd-meet-');
    const child = spawn(process.execPath, [DVD_BIN, 'exp', 'run', '--run-all'], { cwd: repo, env: { ...process.env, MEET_DIR: meet, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none') } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = watchExit(child);
    // Stops if dvd exits first, so its exit code and stderr show instead of a timeout.
    while (!fs.existsSync(path.join(meet, '0.2.start')) && !exit.exited()) await new Promise((r) => setTimeout(r, 50));
    expect(exit.exited(), `dvd exited before the stage started:\n${stderr}`).toBe(false);
    child.kill('SIGINT');
    expect(await exit.done).toBe(130);
    expect(stderr).toContain('interrupted (SIGINT): 0 experiments recorded; the others stay queued');
    expect(fs.existsSync(path.join(meet, '0.2.end'))).toBe(false);
    expect(refs(repo).map((l) => l.split(' ')[0])).toEqual(['refs/exps/queue/waits']);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(path.join(repo, '.git/dvd-exp'))).toBe(false);
  });
});

describe('exp push and pull', () => {
  it('refs go through Git, their data through the dvd remote; a fresh clone pulls one and applies it', () => {
    const { repo } = expRepo();
    const store = tempDir('dvd-store-');
    const origin = path.join(tempDir('dvd-origin-'), 'origin.git');
    git(path.dirname(origin), 'init', '-q', '--bare', origin);
    dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'remote');
    git(repo, 'remote', 'add', 'origin', origin);
    git(repo, 'push', '-q', 'origin', 'main');
    dvdOk(repo, ['push']);
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.25', '-n', 'shared']);
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.35', '-n', 'mine']);
    const model = read(repo, 'model.txt');
    dvdOk(repo, ['exp', 'apply', 'shared']);
    const sharedModel = read(repo, 'model.txt');
    expect(sharedModel).not.toBe(model);
    const pushed = dvdOk(repo, ['exp', 'push', 'origin', 'shared']);
    expect(pushed.stdout).toMatch(/^Pushed shared \(origin, 1 objects uploaded\)\n$/);
    expect(git(repo, 'ls-remote', origin, 'refs/exps/*').trim().split('\n')).toHaveLength(1);

    const clone = path.join(tempDir('dvd-clone-'), 'c');
    git(path.dirname(clone), 'clone', '-q', '-b', 'main', origin, clone);
    const missing = dvd(clone, ['exp', 'pull', 'origin', 'mine']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('origin has no experiment mine');
    // Without a default dvd remote the refs come, the data cannot: said so, exit 1.
    dvdOk(clone, ['remote', 'default', '--unset']);
    const noRemote = dvd(clone, ['exp', 'pull', 'origin', 'shared']);
    expect(noRemote.code).toBe(1);
    expect(noRemote.stdout).toContain('Pulled shared (origin, 0 objects downloaded)');
    expect(noRemote.stderr).toContain('no remote given and no default remote set');
    // --json gives the failures as push and fetch --json do: oid, code, message.
    const noRemoteJson = dvd(clone, ['exp', 'pull', 'origin', 'shared', '--json']);
    expect(noRemoteJson.code).toBe(1);
    const failed = JSON.parse(noRemoteJson.stdout).data.failed;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ oid: expect.stringMatching(/^[0-9a-f]{64}$/), code: 'ENOREMOTE', message: expect.stringContaining('no remote given') });
    git(clone, 'checkout', '--', '.dvd/config');
    // The ref came with the first pull (same commit: no conflict); now its data comes.
    const pulled = dvdOk(clone, ['exp', 'pull', 'origin', 'shared']);
    expect(pulled.stdout).toContain('Already here: shared (origin, 1 objects downloaded)');
    const rows = show(clone);
    expect(rows.find((x) => x.name === 'shared')!.metrics).toEqual({ 'metrics.json': { acc: 0.75, loss: 2.5 } });
    dvdOk(clone, ['pull']);
    dvdOk(clone, ['exp', 'apply', 'shared']);
    expect(read(clone, 'model.txt')).toBe(sharedModel);
  });
});
