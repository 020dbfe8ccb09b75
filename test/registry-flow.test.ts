import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeLock, type LockFile } from '../src/pipeline/lockFile.js';
import { dvdAsync } from './dvdAsync.js';
import { pipelineRepo } from './pipelineHelpers.js';
import { cloneRepo, commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles } from './helpers.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

const DVD_YAML = `stages:
  train:
    cmd: node train.js
    deps: [data/raw, train.js]
    params: [train.lr]
    outs: [model.bin]
    metrics: [{metrics.json: {cache: false}}]
artifacts:
  classifier: {path: model.bin, type: model, desc: the classifier, labels: [cv]}
`;

/**
 * A repository whose `train` stage is "run" by hand, so every byte and oid of the lineage
 * is known: writes params, the model and metrics, puts the model into the cache with
 * `dvd add`, then records the run in dvd.lock as repro would (the model is an output, not
 * a pointer). The last describe block runs a real `dvd repro` instead.
 */
function trainedByHand() {
  const repo = pipelineRepo(DVD_YAML, { 'train.js': '// trains\n', 'data/raw/a.csv': 'x,y\n1,2\n', 'data/raw/b.csv': 'x,y\n3,4\n' });
  dvdOk(repo, ['add', 'data/raw']);
  const train = (o: { lr: number; model: string; acc: number }) => {
    writeFiles(repo, { 'params.yaml': `train:\n  lr: ${o.lr}\n  epochs: 3\n`, 'model.bin': o.model, 'metrics.json': JSON.stringify({ acc: o.acc, loss: { final: 1 - o.acc } }) });
    dvdOk(repo, ['add', 'model.bin']);
    fs.rmSync(path.join(repo, 'model.bin.dvd'));
    const raw = fs.readFileSync(path.join(repo, 'data/raw.dvd'), 'utf8');
    const rawOid = /oid: sha256:([0-9a-f]{64})/.exec(raw)![1];
    const metrics = fs.readFileSync(path.join(repo, 'metrics.json'));
    const lock: LockFile = new Map([['train', {
      cmd: ['node train.js'],
      deps: [{ path: 'data/raw', oid: rawOid, size: 16, files: 2 }, { path: 'train.js', oid: sha('// trains\n'), size: 10 }],
      params: { 'params.yaml': { 'train.lr': o.lr } },
      outs: [{ path: 'metrics.json', oid: sha(metrics), size: metrics.length, cache: false }, { path: 'model.bin', oid: sha(o.model), size: o.model.length }],
    }]]);
    fs.writeFileSync(path.join(repo, 'dvd.lock'), serializeLock(lock));
    return { rawOid, modelOid: sha(o.model) };
  };
  return { repo, train };
}

/** A bare Git remote `origin` and a folder dvd remote `store` (the default) for `repo`. */
function withRemotes(repo: string): { bare: string; store: string } {
  const bare = path.join(tempDir('dvd-bare-'), 'origin.git');
  git(path.dirname(bare), 'init', '-q', '--bare', '-b', 'main', bare);
  git(repo, 'remote', 'add', 'origin', bare);
  const store = tempDir('dvd-store-');
  dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
  return { bare, store };
}

const tags = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/tags');

describe('dvd artifact: register, show, assign, get in one repository', () => {
  it('register writes an annotated tag whose message holds the lineage: data oid and size, the stage lock entry with dep oids and params, the metrics', () => {
    const { repo, train } = trainedByHand();
    const { rawOid, modelOid } = train({ lr: 0.01, model: 'model v1 bytes', acc: 0.9 });
    const commit = commitAll(repo, 'v1');
    const out = dvdOk(repo, ['artifact', 'register', 'classifier', '--version', 'v1.0.0', '-m', 'first model']).stdout;
    expect(out).toBe(`registered classifier v1.0.0: tag classifier@v1.0.0 on ${commit.slice(0, 8)} (model.bin, 14 B; stage train, 2 deps, 1 metrics file)\n`);
    expect(git(repo, 'cat-file', '-t', 'classifier@v1.0.0').trim()).toBe('tag');
    const message = git(repo, 'cat-file', 'tag', 'classifier@v1.0.0').split('\n\n').slice(1).join('\n\n');
    const metrics = fs.readFileSync(path.join(repo, 'metrics.json'));
    expect(message).toBe(`first model

---
lineage: 1
artifact: classifier
path: model.bin
commit: ${commit}
oid: sha256:${modelOid}
size: 14
stage: train
lock:
  cmd: node train.js
  deps:
  - {path: data/raw, oid: sha256:${rawOid}, size: 16, files: 2}
  - {path: train.js, oid: sha256:${sha('// trains\n')}, size: 10}
  params:
    params.yaml: {train.lr: 0.01}
  outs:
  - {path: metrics.json, oid: sha256:${sha(metrics)}, size: ${metrics.length}, cache: false}
  - {path: model.bin, oid: sha256:${modelOid}, size: 14}
metrics:
  metrics.json: {acc: 0.9, loss.final: 0.09999999999999998}
`);
    const shown = JSON.parse(dvdOk(repo, ['artifact', 'show', 'classifier@v1.0.0', '--json']).stdout);
    expect(shown).toMatchObject({ kind: 'version', artifact: 'classifier', message: 'first model', lineageFrom: 'tag', version: { version: 'v1.0.0', commit, tag: 'classifier@v1.0.0' } });
    expect(shown.lineage).toMatchObject({ oid: modelOid, size: 14, stage: 'train', lock: { params: { 'params.yaml': { 'train.lr': 0.01 } } }, metrics: { 'metrics.json': { acc: 0.9 } } });
    const text = dvdOk(repo, ['artifact', 'show', 'classifier@v1.0.0']).stdout;
    expect(text).toContain('lineage (recorded in the tag):\n  lineage: 1\n');
    expect(text).toContain('    params.yaml: {train.lr: 0.01}\n');
  });

  it('versions bump by semver, stages move with assign/unassign (N counts up), get gives each version its own bytes from the cache', () => {
    const { repo, train } = trainedByHand();
    // Each registry event a minute after the last: tags made within one second tie, and a
    // tie puts registrations first (GTO's rule), which is not the order this story ran.
    let clock = 1_700_000_000;
    const tick = () => ({ env: { GIT_COMMITTER_DATE: `${(clock += 60)} +0000` } });
    train({ lr: 0.01, model: 'model one', acc: 0.8 });
    commitAll(repo, 'v1');
    dvdOk(repo, ['artifact', 'register', 'classifier'], tick());
    expect(dvdOk(repo, ['artifact', 'assign', 'classifier', '--stage', 'prod'], tick()).stdout).toBe('assigned classifier v0.0.1 to prod: tag classifier#prod#1\n');
    train({ lr: 0.02, model: 'model two, longer', acc: 0.85 });
    commitAll(repo, 'v2');
    dvdOk(repo, ['artifact', 'register', 'classifier', '--bump-minor'], tick());
    dvdOk(repo, ['artifact', 'assign', 'classifier', '--stage', 'staging'], tick());
    dvdOk(repo, ['artifact', 'assign', 'classifier', '--stage', 'prod'], tick());
    train({ lr: 0.03, model: 'model three', acc: 0.7 });
    commitAll(repo, 'v3');
    dvdOk(repo, ['artifact', 'register', 'classifier', '--version', 'v1.0.0-rc.1'], tick());
    let all = JSON.parse(dvdOk(repo, ['artifact', 'show', '--json']).stdout);
    expect(all).toEqual({ kind: 'registry', stages: ['prod', 'staging'], artifacts: [{ name: 'classifier', deprecated: false, latest: 'v1.0.0-rc.1', stages: { prod: 'v0.1.0', staging: 'v0.1.0' } }] });
    expect(dvdOk(repo, ['artifact', 'show']).stdout).toBe('artifact    latest       prod    staging\nclassifier  v1.0.0-rc.1  v0.1.0  v0.1.0\n');

    // prod goes back to v0.0.1 when v0.1.0 leaves it.
    expect(dvdOk(repo, ['artifact', 'unassign', 'classifier', '--stage', 'prod'], tick()).stdout).toBe('unassigned classifier v0.1.0 from prod: tag classifier#prod!#4\n');
    all = JSON.parse(dvdOk(repo, ['artifact', 'show', '--json']).stdout);
    expect(all.artifacts[0].stages).toEqual({ prod: 'v0.0.1', staging: 'v0.1.0' });

    const here = tempDir('dvd-here-');
    dvdOk(here, ['-C', repo, 'artifact', 'get', 'classifier#prod', '-o', path.join(here, 'prod.bin')]);
    dvdOk(repo, ['artifact', 'get', 'classifier@v0.1.0', '-o', path.join(here, 'v010.bin')]);
    dvdOk(repo, ['artifact', 'get', 'classifier', '-o', path.join(here, 'latest.bin')]);
    expect(fs.readFileSync(path.join(here, 'prod.bin'), 'utf8')).toBe('model one');
    expect(fs.readFileSync(path.join(here, 'v010.bin'), 'utf8')).toBe('model two, longer');
    expect(fs.readFileSync(path.join(here, 'latest.bin'), 'utf8')).toBe('model three');
    const j = JSON.parse(dvdOk(repo, ['artifact', 'get', 'classifier#staging', '-o', path.join(here, 's.bin'), '--json']).stdout);
    expect(j).toMatchObject({ artifact: 'classifier', version: 'v0.1.0', stage: 'staging', tag: 'classifier@v0.1.0', path: 'model.bin', bytes: 17, type: 'file' });

    const hist = JSON.parse(dvdOk(repo, ['artifact', 'history', 'classifier', '--json']).stdout).events;
    expect(hist.map((e: { tag: string }) => e.tag)).toEqual([
      'classifier#prod!#4', 'classifier@v1.0.0-rc.1', 'classifier#prod#3', 'classifier#staging#2', 'classifier@v0.1.0', 'classifier#prod#1', 'classifier@v0.0.1',
    ]);
    expect(hist[0]).toMatchObject({ event: 'unassign', version: 'v0.1.0', stage: 'prod', by: 'Test <test@example.com>' });

    expect(dvdOk(repo, ['artifact', 'deprecate', 'classifier'], tick()).stdout).toBe('deprecated classifier: tag classifier@deprecated\n');
    expect(dvdOk(repo, ['artifact', 'show']).stdout).toContain('classifier (deprecated)');
    const r = dvd(repo, ['artifact', 'get', 'classifier#prod', '-o', path.join(here, 'again.bin')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: classifier is deprecated');
  });

  it('tags pushed to a bare remote read back in a clone, and get of an old version downloads the old bytes from the dvd remote', () => {
    const repo = tempRepo();
    const { bare } = withRemotes(repo);
    writeFiles(repo, { 'dvd.yaml': 'artifacts:\n  weights: {path: models/weights.bin, type: model}\n', 'models/weights.bin': 'weights v1' });
    dvdOk(repo, ['add', 'models/weights.bin']);
    commitAll(repo, 'v1');
    git(repo, 'push', '-q', '-u', 'origin', 'main');
    expect(dvdOk(repo, ['artifact', 'register', 'weights', '--version', 'v1.0.0', '--push']).stdout).toContain(', pushed to origin\n');
    dvdOk(repo, ['artifact', 'assign', 'weights', '--stage', 'prod', '--push']);
    writeFiles(repo, { 'models/weights.bin': 'weights v2 (better)' });
    dvdOk(repo, ['commit']);
    commitAll(repo, 'v2');
    git(repo, 'push', '-q');
    dvdOk(repo, ['artifact', 'register', 'weights', '--version', 'v1.1.0', '--push']);
    dvdOk(repo, ['push', '--all-tags']);
    const before = dvdOk(repo, ['artifact', 'show', '--json']).stdout;
    expect(git(bare, 'for-each-ref', '--format=%(objecttype) %(refname)', 'refs/tags')).toBe('tag refs/tags/weights#prod#1\ntag refs/tags/weights@v1.0.0\ntag refs/tags/weights@v1.1.0\n');

    const clone = cloneRepo(bare);
    expect(dvdOk(clone, ['artifact', 'show', '--json']).stdout).toBe(before);
    expect(JSON.parse(dvdOk(clone, ['artifact', 'show', 'weights@v1.0.0', '--json']).stdout).lineage).toMatchObject({ path: 'models/weights.bin', pointer: 'models/weights.bin.dvd', oid: sha('weights v1') });
    // The clone's cache is empty: the bytes come from the dvd remote, verified.
    const old = JSON.parse(dvdOk(clone, ['artifact', 'get', 'weights#prod', '-o', 'prod.bin', '--json']).stdout);
    expect(old).toMatchObject({ version: 'v1.0.0', downloaded: 1, fromSourceCache: 0 });
    expect(fs.readFileSync(path.join(clone, 'prod.bin'), 'utf8')).toBe('weights v1');
    dvdOk(clone, ['artifact', 'get', 'weights', '-o', 'latest.bin']);
    expect(fs.readFileSync(path.join(clone, 'latest.bin'), 'utf8')).toBe('weights v2 (better)');
  });

  it('reads GTO-format tags made with plain `git tag -a` (old and new forms, GTO messages without lineage)', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'dvd.yaml': 'artifacts:\n  clf: {path: model.bin}\n', 'model.bin': 'gto v1' });
    dvdOk(repo, ['add', 'model.bin']);
    const c1 = commitAll(repo, 'one');
    writeFiles(repo, { 'model.bin': 'gto v2' });
    dvdOk(repo, ['commit']);
    const c2 = commitAll(repo, 'two');
    let t = 1_700_000_000;
    // Tags as GTO (or a person) makes them: `git tag -a`, a minute apart, by someone else.
    const tagAt = (name: string, commit: string, msg: string) => {
      t += 60;
      const env = { ...process.env, GIT_COMMITTER_DATE: `${t} +0000`, GIT_COMMITTER_NAME: 'GTO', GIT_COMMITTER_EMAIL: 'gto@example.com' };
      expect(spawnSync('git', ['tag', '-a', name, '-m', msg, commit], { cwd: repo, env }).status).toBe(0);
    };
    tagAt('clf@v1.0.0', c1, 'Registering artifact clf version v1.0.0');
    tagAt('clf#prod#1', c1, 'Assigning stage prod');
    tagAt('clf@v1.1.0#2', c2, 'Registering with a counter (gto --simple false)');
    tagAt('clf#staging', c2, 'Assigning without a counter (gto 0.1)');
    tagAt('clf#prod#3', c2, 'Assigning stage prod');
    tagAt('clf#prod!#4', c2, 'Unassigning stage prod');
    tagAt('release-1', c2, 'not a registry tag');
    git(repo, 'tag', 'other@v0.1.0', c2); // lightweight: GTO ignores it, so do we
    const shown = JSON.parse(dvdOk(repo, ['artifact', 'show', '--json']).stdout);
    expect(shown.artifacts).toEqual([{ name: 'clf', deprecated: false, latest: 'v1.1.0', stages: { prod: 'v1.0.0', staging: 'v1.1.0' } }]);
    const v11 = JSON.parse(dvdOk(repo, ['artifact', 'show', 'clf@v1.1.0', '--json']).stdout);
    expect(v11).toMatchObject({ message: 'Registering with a counter (gto --simple false)', lineageFrom: 'commit', version: { commit: c2, tag: 'clf@v1.1.0#2', by: 'GTO <gto@example.com>', time: new Date((1_700_000_000 + 180) * 1000).toISOString().replace('.000Z', 'Z') } });
    expect(v11.lineage).toMatchObject({ path: 'model.bin', oid: sha('gto v2'), pointer: 'model.bin.dvd' });
    expect(dvdOk(repo, ['artifact', 'show', 'clf@v1.1.0']).stdout).toContain('lineage (worked out from the commit: the tag records none):');
    const hist = JSON.parse(dvdOk(repo, ['artifact', 'history', '--json']).stdout).events.map((e: { event: string; version: string; stage?: string }) => `${e.event} ${e.version} ${e.stage ?? ''}`.trim());
    expect(hist).toEqual(['unassign v1.1.0 prod', 'assign v1.1.0 prod', 'assign v1.1.0 staging', 'register v1.1.0', 'assign v1.0.0 prod', 'register v1.0.0']);
    const here = tempDir('dvd-here-');
    dvdOk(repo, ['artifact', 'get', 'clf#prod', '-o', path.join(here, 'p')]);
    dvdOk(repo, ['artifact', 'get', 'clf#staging', '-o', path.join(here, 's')]);
    expect(fs.readFileSync(path.join(here, 'p'), 'utf8')).toBe('gto v1');
    expect(fs.readFileSync(path.join(here, 's'), 'utf8')).toBe('gto v2');
    // dvd's next assignment continues GTO's counter.
    expect(dvdOk(repo, ['artifact', 'assign', 'clf', '--stage', 'prod']).stdout).toBe('assigned clf v1.1.0 to prod: tag clf#prod#5\n');
  });

  it('registers a plain dvd add-ed folder without dvd.yaml (--path): the lineage holds the pointer only, and get rebuilds the folder', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/images/cat.jpg': 'meow', 'data/images/dogs/rex.jpg': 'woof' });
    dvdOk(repo, ['add', 'data/images']);
    const commit = commitAll(repo, 'images');
    const want = treeHashes(path.join(repo, 'data/images'));
    const r = JSON.parse(dvdOk(repo, ['artifact', 'register', 'images', '--path', 'data/images', '--version', '2.0.0', '--json']).stdout);
    const pointer = fs.readFileSync(path.join(repo, 'data/images.dvd'), 'utf8');
    expect(r).toMatchObject({ version: 'v2.0.0', tag: 'images@v2.0.0', warnings: [] });
    expect(r.lineage).toEqual({ artifact: 'images', path: 'data/images', commit, oid: /oid: sha256:(\w+)/.exec(pointer)![1], size: 8, files: 2, pointer: 'data/images.dvd' });
    const out = tempDir('dvd-out-');
    dvdOk(repo, ['artifact', 'get', 'images@v2.0.0', '-o', path.join(out, 'imgs')]);
    expect(treeHashes(path.join(out, 'imgs'))).toEqual(want);
  });

  it('works without the git binary (isomorphic-git writes and reads the same tags)', () => {
    const { repo, train } = trainedByHand();
    train({ lr: 0.5, model: 'no git binary', acc: 0.5 });
    commitAll(repo, 'v1');
    const env = { DVD_NO_GIT_BINARY: '1' };
    dvdOk(repo, ['artifact', 'register', 'classifier', '--version', 'v3.0.0'], { env });
    dvdOk(repo, ['artifact', 'assign', 'classifier', '--stage', 'prod'], { env });
    expect(git(repo, 'for-each-ref', '--format=%(objecttype) %(refname:short)', 'refs/tags')).toBe('tag classifier#prod#1\ntag classifier@v3.0.0\n');
    for (const args of [['artifact', 'show', '--json'], ['artifact', 'show', 'classifier#prod', '--json'], ['artifact', 'history', '--json']]) {
      expect(dvdOk(repo, args, { env }).stdout, args.join(' ')).toBe(dvdOk(repo, args).stdout);
    }
    expect(JSON.parse(dvdOk(repo, ['artifact', 'show', 'classifier@v3.0.0', '--json'], { env }).stdout)).toMatchObject({ lineageFrom: 'tag', lineage: { stage: 'train', metrics: { 'metrics.json': { acc: 0.5 } } } });
  });

  it('assignments made at the same time all land, each with its own counter', async () => {
    const repo = tempRepo();
    writeFiles(repo, { 'm.bin': 'm' });
    dvdOk(repo, ['add', 'm.bin']);
    commitAll(repo, 'm');
    dvdOk(repo, ['artifact', 'register', 'm', '--path', 'm.bin']);
    const runs = await Promise.all(['s1', 's2', 's3', 's4'].map((s) => dvdAsync(repo, ['artifact', 'assign', 'm', '--stage', s])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const stageTags = git(repo, 'tag', '-l', 'm#*').split('\n').filter(Boolean);
    expect(stageTags.map((t) => Number(t.split('#')[2])).sort()).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(dvdOk(repo, ['artifact', 'show', '--json']).stdout).artifacts[0].stages).toEqual({ s1: 'v0.0.1', s2: 'v0.0.1', s3: 'v0.0.1', s4: 'v0.0.1' });
  });

  it('`--version` after `artifact register` is the version; `dvd --version` is still dvd\'s', () => {
    const repo = tempRepo();
    expect(dvdOk(repo, ['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    writeFiles(repo, { 'm.bin': 'm' });
    dvdOk(repo, ['add', 'm.bin']);
    commitAll(repo, 'm');
    expect(dvdOk(repo, ['artifact', 'register', 'm', '--path', 'm.bin', '--version', 'v4.5.6']).stdout).toContain('registered m v4.5.6');
    expect(tags(repo)).toContain('refs/tags/m@v4.5.6 ');
  });
});

// A stage whose outputs are a file and a folder; both depend on params.yaml's lr.
const REPRO_YAML = `stages:
  train:
    cmd: cat data/a.txt > model.bin && echo lr=\${lr} >> model.bin && mkdir -p emb && echo \${lr} > emb/w.txt && cat data/b.txt > emb/b.txt
    deps: [data]
    params: [lr]
    outs: [model.bin, emb]
artifacts:
  classifier: {path: model.bin, type: model}
  embeddings: {path: emb}
`;

describe('dvd artifact of a stage output made by dvd repro, through dvd push', () => {
  it('a fresh clone gets each registered version of a file and a folder output from the dvd remote (dvd.lock outputs pushed), bytes equal', () => {
    const repo = pipelineRepo(REPRO_YAML, { 'params.yaml': 'lr: 0.1\n', 'data/a.txt': 'a\n', 'data/b.txt': 'b\n' });
    const { bare, store } = withRemotes(repo);
    dvdOk(repo, ['add', 'data']);

    // v1.0.0: repro, commit, register, then `dvd push` of the workspace: its dvd.lock outputs.
    // --no-run-cache: run entries would carry the outputs too, and this is about dvd.lock.
    dvdOk(repo, ['repro']);
    expect(fs.existsSync(path.join(repo, 'model.bin.dvd'))).toBe(false); // an output, not a pointer
    const v1 = { model: fs.readFileSync(path.join(repo, 'model.bin')), emb: treeHashes(path.join(repo, 'emb')) };
    expect(v1.model.toString()).toBe('a\nlr=0.1\n');
    commitAll(repo, 'v1');
    git(repo, 'push', '-q', '-u', 'origin', 'main');
    const reg = JSON.parse(dvdOk(repo, ['artifact', 'register', 'classifier', '--version', 'v1.0.0', '--push', '--json']).stdout);
    expect(reg.lineage).toMatchObject({ path: 'model.bin', oid: sha(v1.model), stage: 'train', lock: { params: { 'params.yaml': { lr: 0.1 } } } });
    dvdOk(repo, ['artifact', 'register', 'embeddings', '--version', 'v1.0.0', '--push']);
    dvdOk(repo, ['push', '--no-run-cache']);

    // v1.1.0: a new lr re-runs the stage. The workspace moves on to an unregistered lr
    // before the push, so v1.1.0's outputs reach the store only through --all-tags: the
    // outputs in dvd.lock at each tag's commit.
    writeFiles(repo, { 'params.yaml': 'lr: 0.2\n' });
    dvdOk(repo, ['repro']);
    const v2 = { model: fs.readFileSync(path.join(repo, 'model.bin')), emb: treeHashes(path.join(repo, 'emb')) };
    expect(v2.model.toString()).toBe('a\nlr=0.2\n');
    commitAll(repo, 'v2');
    git(repo, 'push', '-q');
    dvdOk(repo, ['artifact', 'register', 'classifier', '--bump-minor', '--push']);
    dvdOk(repo, ['artifact', 'register', 'embeddings', '--bump-minor', '--push']);
    writeFiles(repo, { 'params.yaml': 'lr: 0.3\n' });
    dvdOk(repo, ['repro']);
    commitAll(repo, 'v3, not registered');
    git(repo, 'push', '-q');
    dvdOk(repo, ['push', '--all-tags', '--no-run-cache']);
    expect(fs.readdirSync(store)).not.toContain('runs');

    // A fresh clone: empty cache, no outputs in the workspace; every byte comes from the store.
    const clone = cloneRepo(bare);
    expect(fs.existsSync(path.join(clone, 'model.bin'))).toBe(false);
    const out = tempDir('dvd-out-');
    for (const [version, want] of [['v1.0.0', v1], ['v1.1.0', v2]] as const) {
      const m = JSON.parse(dvdOk(clone, ['artifact', 'get', `classifier@${version}`, '-o', path.join(out, `model-${version}.bin`), '--json']).stdout);
      expect(m).toMatchObject({ artifact: 'classifier', version, path: 'model.bin', type: 'file', downloaded: 1, fromSourceCache: 0 });
      expect(fs.readFileSync(path.join(out, `model-${version}.bin`))).toEqual(want.model);
      const e = JSON.parse(dvdOk(clone, ['artifact', 'get', `embeddings@${version}`, '-o', path.join(out, `emb-${version}`), '--json']).stdout);
      expect(e).toMatchObject({ artifact: 'embeddings', version, path: 'emb', type: 'dir', fromSourceCache: 0 });
      expect(treeHashes(path.join(out, `emb-${version}`))).toEqual(want.emb);
    }
  });
});
