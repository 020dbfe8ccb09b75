import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempDir } from './helpers.js';
import { EXP_YAML, TRAIN, expParams, expRepo } from './expHelpers.js';
import { pipelineRepo, read } from './pipelineHelpers.js';

// How experiment names meet each other (push, pull) and Git's names (branches, tags,
// HEAD), and what a revision that is a queued or failed experiment stands for.

const expRefs = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/exps').trim().split('\n').filter(Boolean);
const remoteExp = (repo: string, origin: string, name: string) =>
  git(repo, 'ls-remote', origin, 'refs/exps/*').trim().split('\n').filter((l) => l.endsWith(`/${name}`)).map((l) => l.split('\t')[0]);
const localExp = (repo: string, name: string) => expRefs(repo).filter((l) => l.split(' ')[0].endsWith(`/${name}`)).map((l) => l.split(' ')[1]);

/** A refused transfer: exit 1, naming the experiment and both commits. */
function expectConflict(r: { code: number; stderr: string }, name: string, commits: string[]): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`experiment ${name}`);
  for (const c of commits) expect(r.stderr).toContain(c.slice(0, 12));
  expect(r.stderr).toContain(' -f ');
}

/** expRepo with a bare Git remote `origin` holding main, and a clone of it. */
function sharedRepos(): { repo: string; clone: string; origin: string } {
  const { repo } = expRepo();
  const origin = path.join(tempDir('dvd-origin-'), 'origin.git');
  git(path.dirname(origin), 'init', '-q', '--bare', origin);
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '-q', 'origin', 'main');
  const clone = path.join(tempDir('dvd-clone-'), 'c');
  git(path.dirname(clone), 'clone', '-q', '-b', 'main', origin, clone);
  return { repo, clone, origin };
}

describe('exp push and pull never replace an experiment of the same name unless -f', () => {
  it('push: refused naming both commits; the same commit again is a no-op; -f replaces. pull: the same', () => {
    const { repo, clone, origin } = sharedRepos();
    dvdOk(clone, ['exp', 'run', '-S', 'train.lr=0.27', '-n', 'team']);
    dvdOk(clone, ['exp', 'push', 'origin', 'team', '--no-data']);
    const theirs = localExp(clone, 'team')[0];
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.28', '-n', 'team']);
    const mine = localExp(repo, 'team')[0];
    expect(mine).not.toBe(theirs);

    expectConflict(dvd(repo, ['exp', 'push', 'origin', 'team', '--no-data']), 'team', [theirs, mine]);
    expect(remoteExp(repo, origin, 'team')).toEqual([theirs]);
    // The clone pushing the commit origin has already: nothing to do, success.
    dvdOk(clone, ['exp', 'push', 'origin', 'team', '--no-data']);
    expect(remoteExp(repo, origin, 'team')).toEqual([theirs]);

    dvdOk(repo, ['exp', 'push', 'origin', 'team', '--no-data', '-f']);
    expect(remoteExp(repo, origin, 'team')).toEqual([mine]);

    expectConflict(dvd(clone, ['exp', 'pull', 'origin', 'team', '--no-data']), 'team', [theirs, mine]);
    expect(localExp(clone, 'team')).toEqual([theirs]);
    dvdOk(clone, ['exp', 'pull', 'origin', 'team', '--no-data', '--force']);
    expect(localExp(clone, 'team')).toEqual([mine]);
    dvdOk(clone, ['exp', 'pull', 'origin', 'team', '--no-data']);
    expect(localExp(clone, 'team')).toEqual([mine]);
  });

  it('a name held on another baseline is the same conflict, both ways; -f leaves one experiment of that name', () => {
    const { repo, clone, origin } = sharedRepos();
    // repo moves on: its experiment dup has another baseline than the clone's.
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second baseline');
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.3', '-n', 'dup']);
    dvdOk(repo, ['exp', 'push', 'origin', 'dup', '--no-data']);
    dvdOk(clone, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'dup']);
    const theirs = localExp(repo, 'dup')[0];
    const mine = localExp(clone, 'dup')[0];

    expectConflict(dvd(clone, ['exp', 'pull', 'origin', 'dup', '--no-data']), 'dup', [theirs, mine]);
    expect(localExp(clone, 'dup')).toEqual([mine]);
    expectConflict(dvd(clone, ['exp', 'pull', 'origin', '--all', '--no-data']), 'dup', [theirs, mine]);
    expect(localExp(clone, 'dup')).toEqual([mine]);

    expectConflict(dvd(clone, ['exp', 'push', 'origin', 'dup', '--no-data']), 'dup', [theirs, mine]);
    expect(remoteExp(repo, origin, 'dup')).toEqual([theirs]);

    dvdOk(clone, ['exp', 'pull', 'origin', 'dup', '--no-data', '-f']);
    expect(localExp(clone, 'dup')).toEqual([theirs]);
    expect(expRefs(clone)).toHaveLength(1);
  });
});

describe('experiment names that Git already uses are refused', () => {
  it('-n HEAD, workspace, a branch, a tag: exit 2 before anything runs or is written (with --queue and -f too)', () => {
    const { repo } = expRepo();
    git(repo, 'branch', 'feature');
    git(repo, 'tag', 'v1');
    const params = read(repo, 'params.yaml');
    for (const args of [['-n', 'HEAD'], ['-n', 'workspace'], ['-n', 'Workspace'], ['-n', 'main'], ['-n', 'feature'], ['-n', 'v1'], ['-n', 'main', '-f'], ['-n', 'feature', '--queue']]) {
      const r = dvd(repo, ['exp', 'run', '-S', 'train.lr=0.25', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`experiment name ${JSON.stringify(args[1])}`);
      expect(r.stdout).toBe('');
    }
    expect(expRefs(repo)).toEqual([]);
    expect(read(repo, 'params.yaml')).toBe(params);
    // `exp diff` with no arguments still means HEAD and the workspace.
    expect(dvd(repo, ['exp', 'diff']).stderr).toContain('No params or metrics differ between HEAD and workspace');
  });
});

describe('one resolver for revision arguments', () => {
  it('a name that is both a Git revision and an experiment (other commits), or two experiments, is refused by every command', () => {
    const { repo, base } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'good']);
    const good = localExp(repo, 'good')[0];
    // As a pull or an older dvd could leave them: an experiment called main, and dup on two baselines.
    git(repo, 'update-ref', `refs/exps/${base.slice(0, 2)}/${base.slice(2)}/main`, good);
    git(repo, 'update-ref', `refs/exps/${base.slice(0, 2)}/${base.slice(2)}/dup`, good);
    const other = git(repo, 'commit-tree', '-p', base, '-m', 'other', `${base}^{tree}`).trim();
    git(repo, 'update-ref', `refs/exps/${other.slice(0, 2)}/${other.slice(2)}/dup`, good);
    const cmds = (name: string) => [
      ['metrics', 'diff', name],
      ['metrics', 'check', 'acc > 0', '--rev', name],
      ['params', 'diff', name],
      ['plots', 'diff', name, '--json'],
      ['exp', 'diff', name],
    ];
    for (const args of cmds('main')) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain('main is both a Git revision');
      expect(r.stderr).toContain('refs/heads/main');
    }
    for (const args of [...cmds('dup'), ['exp', 'apply', 'dup'], ['exp', 'branch', 'dup', 'b'], ['exp', 'remove', 'dup']]) {
      const r = dvd(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain('2 experiments are called dup');
    }
    // Spelled out, each works; a branch on the experiment's own commit is no ambiguity.
    expect(dvdOk(repo, ['metrics', 'diff', 'refs/heads/main', 'good']).stdout).toMatch(/acc\s+0\.9\s+0\.8/);
    dvdOk(repo, ['exp', 'branch', 'good', 'good']);
    expect(dvdOk(repo, ['metrics', 'diff', 'refs/heads/main', 'good']).stdout).toMatch(/acc\s+0\.9\s+0\.8/);
  });
});

const PLOT_YAML = `${EXP_YAML}    plots: [{loss.csv: {x: step, y: loss, cache: false}}]\n`;
const PLOT_TRAIN = `${TRAIN}fs.writeFileSync('loss.csv', 'step,loss\\n0,' + lr + '\\n1,' + lr / 2 + '\\n');\n`;

describe('queued and failed experiments have no results', () => {
  it('metrics, params and plots say so for them and never show the baseline values under their name', () => {
    const repo = pipelineRepo(PLOT_YAML, { 'train.cjs': PLOT_TRAIN, 'params.yaml': expParams(0.1) });
    dvdOk(repo, ['repro']);
    commitAll(repo, 'baseline');
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.2', '-n', 'qq']);
    expect(dvd(repo, ['exp', 'run', '-S', 'train.lr=0.9', '-n', 'boom']).code).toBe(1);

    const md = dvd(repo, ['metrics', 'diff', 'main', 'qq', '--json']);
    expect(md.code).toBe(1);
    expect(md.stderr).toContain('qq: queued, not run');
    const j = JSON.parse(md.stdout);
    expect(j.metrics['metrics.json'].acc).toMatchObject({ old: 0.9, new: null });
    expect(dvd(repo, ['metrics', 'diff', 'main', 'boom']).stderr).toContain('boom: failed, no results');
    const check = dvd(repo, ['metrics', 'check', 'acc > 0', '--rev', 'boom']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('FAIL');
    expect(check.stderr).toContain('boom: failed, no results');
    const pd = dvd(repo, ['params', 'diff', 'main', 'qq', '--json']);
    expect(pd.code).toBe(1);
    expect(pd.stderr).toContain('qq: queued, not run');
    const ed = dvd(repo, ['exp', 'diff', 'main', 'boom', '--json']);
    expect(ed.code).toBe(1);
    const e = JSON.parse(ed.stdout);
    // Its params are what it ran with; its metrics are none (not the baseline's).
    expect(e.params['params.yaml']['train.lr']).toMatchObject({ old: 0.1, new: 0.9 });
    expect(e.metrics['metrics.json'].acc).toMatchObject({ old: 0.9, new: null });

    const pl = dvd(repo, ['plots', 'diff', 'main', 'boom', '--json']);
    expect(pl.code).toBe(1);
    const p = JSON.parse(pl.stdout);
    expect(p.plots[0].series.some((s: string) => s.includes('boom'))).toBe(false);
    expect(p.plots[0].notes).toContain('boom: failed, no results');
  });
});

describe('metrics show -A is the history of branches, tags and HEAD', () => {
  it('experiments\' commits are not rows; gc --all-commits still keeps their data', () => {
    const { repo, base } = expRepo();
    dvdOk(repo, ['exp', 'run', '-S', 'train.lr=0.2', '-n', 'kept']);
    dvdOk(repo, ['exp', 'run', '--queue', '-S', 'train.lr=0.3', '-n', 'later']);
    git(repo, 'checkout', '--', '.');
    const rows = JSON.parse(dvdOk(repo, ['metrics', 'show', '-A', '--json']).stdout).revisions as { rev: string; commit: string | null }[];
    expect(rows.map((r) => r.commit)).toEqual([null, base]);
    // The experiment's model stays in the cache through gc over every commit.
    const model02 = 'weights 2.0000\n';
    dvdOk(repo, ['gc', '-w', '-A', '-f']);
    dvdOk(repo, ['exp', 'apply', 'kept']);
    expect(read(repo, 'model.txt')).toBe(model02);
  });
});
