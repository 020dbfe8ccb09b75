import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvdAsyncOk } from './dvdAsync.js';
import { cloneRepo, commitAll, dvd, dvdOk, git, tempDir } from './helpers.js';
import { dataPipeline, pushedPipeline, ranLog, read, reproRan, setLr } from './pipelineHelpers.js';
import { bucketKeys, startS3rver, type S3rverHandle } from './s3rver.js';

// A two-stage pipeline over dvd-tracked data; model.txt depends on params.yaml's lr.
const YAML = `stages:
  prepare:
    cmd: echo prepare >> log.txt && mkdir -p prepared && cat data/* > prepared/all.txt
    deps: [data]
    outs: [prepared]
  train:
    cmd: echo train >> log.txt && cat prepared/all.txt > model.txt && echo lr=\${lr} >> model.txt && printf '{"lr":%s}\\n' \${lr} > metrics.json
    deps: [prepared]
    params: [lr]
    outs: [model.txt]
    metrics: [{metrics.json: {cache: false}}]
`;

const project = (remoteUrl?: string) => dataPipeline(YAML, remoteUrl);

describe('data commands understand outputs recorded in dvd.lock', () => {
  it('git checkout v1 && dvd checkout restores v1\'s model; gc scopes keep or drop it', () => {
    const repo = project();
    expect(reproRan(repo)).toEqual(['prepare', 'train']);
    expect(read(repo, '.gitignore')).toContain('/model.txt\n');
    commitAll(repo, 'v1');
    git(repo, 'tag', 'v1');
    const v1Model = read(repo, 'model.txt');
    setLr(repo, '0.2');
    expect(reproRan(repo)).toEqual(['train']);
    commitAll(repo, 'v2');
    const v2Model = read(repo, 'model.txt');
    expect(v2Model).toBe('a\nb\nlr=0.2\n');

    git(repo, 'checkout', '-q', 'v1');
    const co = dvdOk(repo, ['checkout']);
    expect(co.stdout).toContain('model.txt: 1 written');
    expect(read(repo, 'model.txt')).toBe(v1Model);
    // metrics.json is Git's (cache: false): v1's came with git checkout.
    expect(read(repo, 'metrics.json')).toBe('{"lr":0.1}\n');
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');
    git(repo, 'checkout', '-q', 'main');
    dvdOk(repo, ['checkout', 'model.txt']);
    expect(read(repo, 'model.txt')).toBe(v2Model);

    // A modified output is protected like modified data.
    fs.writeFileSync(path.join(repo, 'model.txt'), 'hand edit\n');
    const blocked = dvd(repo, ['checkout']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('model.txt');
    dvdOk(repo, ['checkout', '--force']);
    expect(read(repo, 'model.txt')).toBe(v2Model);

    // gc: the workspace's lock keeps v2's model; --all-commits keeps v1's too.
    const oid = (text: string) => createHash('sha256').update(text).digest('hex');
    const v1Oid = oid(v1Model);
    const obj = (o: string) => path.join(repo, '.dvd/cache/sha256', o.slice(0, 2), o.slice(2));
    expect(fs.existsSync(obj(v1Oid))).toBe(true);
    dvdOk(repo, ['gc', '--all-commits', '-f']);
    expect(fs.existsSync(obj(v1Oid))).toBe(true);
    dvdOk(repo, ['gc', '-w', '-f']);
    expect(fs.existsSync(obj(v1Oid))).toBe(false);
    expect(fs.existsSync(obj(oid(v2Model)))).toBe(true);
  });

  it('push, clone, pull, repro runs nothing; push --rev v1 and fetch --rev v1 move v1\'s outputs', () => {
    const store = tempDir('dvd-store-');
    const repo = project(store);
    reproRan(repo);
    commitAll(repo, 'v1');
    git(repo, 'tag', 'v1');
    const v1Model = read(repo, 'model.txt');
    setLr(repo, '0.3');
    reproRan(repo);
    commitAll(repo, 'v2');
    dvdOk(repo, ['push', '--no-run-cache']);

    const b = cloneRepo(repo);
    expect(fs.existsSync(path.join(b, 'model.txt'))).toBe(false);
    dvdOk(b, ['pull']);
    expect(read(b, 'model.txt')).toBe(read(repo, 'model.txt'));
    expect(fs.readdirSync(path.join(b, 'prepared'))).toEqual(['all.txt']);
    expect(reproRan(b)).toEqual([]);
    expect(dvdOk(b, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');

    // v1's model is only named by v1's dvd.lock: push --rev v1 sends it, fetch --rev v1 gets it.
    const c = cloneRepo(repo);
    git(c, 'checkout', '-q', 'v1');
    const before = dvd(c, ['fetch', '--rev', 'v1']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('(dvd.lock): sha256/');
    dvdOk(repo, ['push', '--rev', 'v1', '--no-run-cache']);
    dvdOk(c, ['fetch', '--rev', 'v1']);
    dvdOk(c, ['checkout']);
    expect(read(c, 'model.txt')).toBe(v1Model);
  });

  it('repro --pull in a fresh clone fetches deps and outputs first, then runs nothing', () => {
    const { repo } = pushedPipeline(YAML);
    const b = cloneRepo(repo);
    const r = dvdOk(b, ['repro', '--pull']);
    expect(ranLog(b)).toEqual([]);
    expect(r.stdout).toContain('Pipeline is up to date');
    expect(read(b, 'model.txt')).toBe(read(repo, 'model.txt'));
    expect(read(b, 'data/a.txt')).toBe('a\n');
  });
});

describe('the run cache', () => {
  it('revert a param: repro restores from the run cache instead of running; --no-run-cache runs', () => {
    const repo = project();
    reproRan(repo);
    const m1 = read(repo, 'model.txt');
    setLr(repo, '0.2');
    reproRan(repo);
    setLr(repo, '0.1');
    expect(JSON.parse(dvdOk(repo, ['repro', '--dry', '--json']).stdout).stages[1]).toMatchObject({ stage: 'train', action: 'restore' });
    const r = dvdOk(repo, ['repro']);
    expect(r.stdout).toContain('train: restored from run cache');
    expect(ranLog(repo)).toEqual([]);
    expect(read(repo, 'model.txt')).toBe(m1);
    expect(read(repo, 'metrics.json')).toBe('{"lr":0.1}\n');
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');
    setLr(repo, '0.2');
    expect(reproRan(repo, ['--no-run-cache'])).toEqual(['train']);
    const runs = fs.readdirSync(path.join(repo, '.dvd/cache/runs'));
    expect(runs.length).toBe(3); // prepare, train lr=0.1, train lr=0.2
    for (const n of runs) expect(n).toMatch(/^[0-9a-f]{64}-[0-9a-f]{64}$/);
  });

  it('across push and pull with a folder remote: a teammate restores a run made elsewhere', () => {
    const store = tempDir('dvd-store-');
    const repo = project(store);
    reproRan(repo);
    commitAll(repo, 'lr 0.1');
    setLr(repo, '0.2');
    reproRan(repo);
    const m2 = read(repo, 'model.txt');
    setLr(repo, '0.1');
    reproRan(repo);
    // Results go to stdout (issue 11).
    const push = dvdOk(repo, ['push']);
    expect(push.stdout).toMatch(/3 run-cache entries/);
    expect(fs.readdirSync(path.join(store, 'runs')).length).toBe(3);

    const b = cloneRepo(repo);
    const pull = dvdOk(b, ['pull']);
    expect(pull.stdout).toMatch(/3 run-cache entries/);
    expect(reproRan(b)).toEqual([]);
    setLr(b, '0.2');
    const r = dvdOk(b, ['repro']);
    expect(r.stdout).toContain('train: restored from run cache');
    expect(ranLog(b)).toEqual([]);
    expect(read(b, 'model.txt')).toBe(m2);
  });

  it('push --no-run-cache leaves runs/ off the remote; a damaged entry on the remote is refused', () => {
    const store = tempDir('dvd-store-');
    const repo = project(store);
    reproRan(repo);
    commitAll(repo, 'v1');
    dvdOk(repo, ['push', '--no-run-cache']);
    expect(fs.existsSync(path.join(store, 'runs'))).toBe(false);
    dvdOk(repo, ['push']);
    const [name] = fs.readdirSync(path.join(store, 'runs'));
    const b = cloneRepo(repo);
    fs.chmodSync(path.join(store, 'runs', name), 0o644);
    fs.appendFileSync(path.join(store, 'runs', name), '# tampered\n');
    const r = dvd(b, ['fetch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is damaged');
    expect(fs.existsSync(path.join(b, '.dvd/cache/runs', name))).toBe(false);
  });
});

describe('the run cache across push/pull with S3 (s3rver)', { timeout: 120_000 }, () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('runs/ sits beside sha256/ in the bucket and a clone reuses them', async () => {
    const repo = project(`s3://${s3.bucket}/pipe`);
    await dvdAsyncOk(repo, ['remote', 'modify', 'store', 'endpoint', s3.endpoint], s3.env);
    reproRan(repo);
    commitAll(repo, 'v1');
    setLr(repo, '0.5');
    reproRan(repo);
    const m5 = read(repo, 'model.txt');
    setLr(repo, '0.1');
    reproRan(repo);
    await dvdAsyncOk(repo, ['push'], s3.env);
    const keys = bucketKeys(s3);
    expect(keys.filter((k) => k.startsWith('pipe/runs/')).length).toBe(3);
    expect(keys.some((k) => k.startsWith('pipe/sha256/'))).toBe(true);

    const b = cloneRepo(repo);
    await dvdAsyncOk(b, ['pull'], s3.env);
    setLr(b, '0.5');
    const r = await dvdAsyncOk(b, ['repro'], s3.env);
    expect(r.stdout).toContain('train: restored from run cache');
    expect(ranLog(b)).toEqual([]);
    expect(read(b, 'model.txt')).toBe(m5);
  });
});
