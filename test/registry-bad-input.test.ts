import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, tempRepo, writeFiles } from './helpers.js';

/** Every ref and the config: what a refused command must leave as it was. */
const snapshot = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)') + fs.readFileSync(path.join(repo, '.dvd/config'), 'utf8');

/** A repository with model.bin tracked by dvd, notes.txt in Git only, and both declared as artifacts. */
function registryRepo() {
  const repo = tempRepo();
  writeFiles(repo, {
    'dvd.yaml': 'artifacts:\n  clf: {path: model.bin}\n  notes: {path: notes.txt}\n  my.model: {path: model.bin}\n',
    'model.bin': 'model',
    'notes.txt': 'in git',
  });
  dvdOk(repo, ['add', 'model.bin']);
  commitAll(repo, 'one');
  return repo;
}

/** Run a command that must be refused: exit code, the error and the fix, and nothing written. */
function refused(repo: string, args: string[], code: number, error: string | RegExp, hint: string | RegExp) {
  const before = snapshot(repo);
  const r = dvd(repo, args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(code);
  const [errLine, hintLine] = r.stderr.split('\n');
  if (typeof error === 'string') expect(errLine).toBe(`error: ${error}`);
  else expect(errLine).toMatch(error);
  if (typeof hint === 'string') expect(hintLine).toBe(`hint: ${hint}`);
  else expect(hintLine).toMatch(hint);
  expect(snapshot(repo)).toBe(before);
  return r;
}

describe('dvd artifact: bad input is refused with the fix, and nothing is written', () => {
  it('a path dvd does not track at that commit', () => {
    const repo = registryRepo();
    refused(repo, ['artifact', 'register', 'notes'], 2,
      'notes.txt is not tracked by dvd at HEAD (no notes.txt.dvd pointer, no stage output in dvd.lock)',
      'track it first (dvd add notes.txt, or make it an output of a stage and dvd repro), commit, then register; tracked there: model.bin');
    // Tracked in the workspace but not yet committed: the commit is what a tag names.
    writeFiles(repo, { 'new.bin': 'new' });
    dvdOk(repo, ['add', 'new.bin']);
    refused(repo, ['artifact', 'register', 'new', '--path', 'new.bin'], 2, /^error: new\.bin is not tracked by dvd at HEAD/, /^hint: track it first/);
    refused(repo, ['artifact', 'register', 'ghost'], 2, "ghost is not declared in dvd.yaml's artifacts: at HEAD, and no --path was given", /^hint: declare it/);
  });

  it('a version that is not semver, exists, or is not greater than the latest (unless --force)', () => {
    const repo = registryRepo();
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v1.2'], 2, 'version "v1.2" is not a semantic version (vMAJOR.MINOR.PATCH, optionally -pre.release)', 'for example v1.2.0');
    refused(repo, ['artifact', 'register', 'clf', '--version', 'latest'], 2, /is not a semantic version/, 'for example v1.0.0 or v1.1.0-rc.1');
    refused(repo, ['artifact', 'register', 'clf', '--bump-minor'], 2, 'clf has no version to bump yet', 'register the first one with --version, e.g. --version v0.1.0');
    dvdOk(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.0']);
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.1'], 2, /^error: commit [0-9a-f]{12} is already registered as clf v1\.0\.0$/, 'commit the new artifact first, or pass --force to give this commit a second version');
    writeFiles(repo, { 'model.bin': 'model 2' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'two');
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v0.9.0'], 2, "v0.9.0 is not greater than clf's latest version v1.0.0",
      'use --version v1.0.1 (or --bump-minor/--bump-major), or --force to register an older line (a backport)');
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.0-rc.1'], 2, /not greater than clf's latest version v1\.0\.0/, /--force/);
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.0', '--force'], 2, /^error: clf v1\.0\.0 is already registered \(tag clf@v1\.0\.0, commit [0-9a-f]{12}\)$/, 'pick another version; the greatest is v1.0.0');
    refused(repo, ['artifact', 'register', 'clf', '--version', 'v2.0.0', '--bump-major'], 2, 'give --version or one --bump-* option, not both', /^$/);
    // --force registers the backport; the greatest version stays the latest.
    dvdOk(repo, ['artifact', 'register', 'clf', '--version', 'v0.9.0', '--force']);
    expect(JSON.parse(dvdOk(repo, ['artifact', 'show', 'clf', '--json']).stdout).artifact.latest).toBe('v1.0.0');
  });

  it('a stage not in registry.stages, an unknown or wrong version for assign/unassign, deprecating twice', () => {
    const repo = registryRepo();
    dvdOk(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.0']);
    dvdOk(repo, ['config', 'registry.stages', 'staging, prod']);
    refused(repo, ['artifact', 'assign', 'clf', '--stage', 'qa'], 2, 'stage "qa" is not in registry.stages (staging, prod)', 'use one of them, or allow it: dvd config registry.stages "staging, prod, qa"');
    refused(repo, ['artifact', 'assign', 'clf', '--stage', 'pr.od'], 2, /^error: stage "pr\.od" cannot be part of a registry tag/, 'for example "pr-od"');
    refused(repo, ['artifact', 'assign', 'clf', '--stage', 'prod', '--version', 'v2.0.0'], 1, 'clf has no version v2.0.0', 'registered: v1.0.0');
    refused(repo, ['artifact', 'assign', 'nope', '--stage', 'prod'], 1, 'no artifact "nope" in the registry (no tags nope@... or nope#...)', 'known: clf');
    refused(repo, ['artifact', 'unassign', 'clf', '--stage', 'prod'], 1, 'clf has no version in stage prod', 'assign one: dvd artifact assign clf --stage prod --version vX.Y.Z');
    dvdOk(repo, ['artifact', 'assign', 'clf', '--stage', 'prod']);
    refused(repo, ['artifact', 'assign', 'clf', '--stage', 'prod'], 2, 'clf v1.0.0 is already in stage prod', 'pass --force to assign it again (a new tag, e.g. to re-run a deployment)');
    expect(dvdOk(repo, ['artifact', 'assign', 'clf', '--stage', 'prod', '--force']).stdout).toContain('tag clf#prod#2');
    // A bad list is refused when typed, and read back from a hand-edited file it stops the registry.
    refused(repo, ['config', 'registry.stages', 'prod, pro d.x'], 2, /^error: config registry\.stages: stage "d\.x" cannot be part of a registry tag/, 'for example "d-x"');
    const config = path.join(repo, '.dvd/config');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/stages = .*/, 'stages = prod, pro d.x'));
    refused(repo, ['artifact', 'show'], 2, /^error: config registry\.stages: stage "d\.x" cannot be part of a registry tag/, 'for example "d-x"');
    dvdOk(repo, ['config', '--unset', 'registry.stages']);
    dvdOk(repo, ['artifact', 'deprecate', 'clf']);
    refused(repo, ['artifact', 'deprecate', 'clf'], 2, 'clf is already deprecated', 'register a new version to make it active again');
  });

  it('get refuses a version whose tag was moved to another commit, or whose lineage names other bytes', () => {
    const repo = registryRepo();
    dvdOk(repo, ['artifact', 'register', 'clf', '--version', 'v1.0.0']);
    const message = git(repo, 'cat-file', 'tag', 'clf@v1.0.0').split('\n\n').slice(1).join('\n\n');
    writeFiles(repo, { 'model.bin': 'model 2', 'msg.txt': message });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'two');
    git(repo, 'tag', '-f', '-a', 'clf@v1.0.0', '-F', 'msg.txt', '--cleanup=verbatim', 'HEAD');
    refused(repo, ['artifact', 'get', 'clf@v1.0.0', '-o', 'out.bin'], 1, /^error: clf@v1\.0\.0: records commit [0-9a-f]{12} but names [0-9a-f]{12}$/, 'the tag was moved or its message edited; check with git show clf@v1.0.0');
    // Same commit, but the message edited to claim other bytes.
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    writeFiles(repo, { 'msg.txt': message.replace(/^commit: .*$/m, `commit: ${head}`) });
    git(repo, 'tag', '-f', '-a', 'clf@v1.0.0', '-F', 'msg.txt', '--cleanup=verbatim', 'HEAD');
    refused(repo, ['artifact', 'get', 'clf@v1.0.0', '-o', 'out.bin'], 1, /^error: clf@v1\.0\.0: records model\.bin as sha256:[0-9a-f]{64}, but its commit tracks sha256:[0-9a-f]{64}$/, /^hint: the tag was moved/);
    expect(fs.existsSync(path.join(repo, 'out.bin'))).toBe(false);
  });

  it('an artifact name that cannot be a tag component', () => {
    const repo = registryRepo();
    refused(repo, ['artifact', 'register', 'my.model'], 2,
      "artifact name \"my.model\" cannot be part of a registry tag: use letters, digits, '-', '_' and '/', starting and ending with a letter or digit (GTO's rule, so the tag reads in GTO too)",
      "for example \"my-model\" (rename it in dvd.yaml's artifacts: too)");
    refused(repo, ['artifact', 'register', 'bad name', '--path', 'model.bin'], 2, /^error: artifact name "bad name" cannot be part/, 'for example "bad-name" (rename it in dvd.yaml\'s artifacts: too)');
    refused(repo, ['artifact', 'register', 'x#y', '--path', 'model.bin'], 2, /^error: artifact name "x#y" cannot be part/, /"x-y"/);
    refused(repo, ['artifact', 'show', 'clf@1.0'], 2, /^error: version "1.0" is not a semantic version/, 'for example v1.0.0');
  });
});
