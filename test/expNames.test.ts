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

