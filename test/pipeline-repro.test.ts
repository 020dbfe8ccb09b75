import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, tempDir, writeFiles } from './helpers.js';
import { pipelineRepo, read, reproRan } from './pipelineHelpers.js';

// Each stage appends its name to log.txt when its command runs, so a test sees exactly
// which stages ran.
const CHAIN = `stages:
  prepare:
    cmd: echo prepare >> log.txt && mkdir -p prepared && cp raw/* prepared/
    deps: [raw]
    params: [prepare.seed]
    outs: [prepared]
  train:
    cmd: echo train >> log.txt && cat prepared/* > model.txt && echo lr=\${train.lr} >> model.txt
    deps: [prepared]
    params: [train]
    outs: [model.txt]
  report:
    cmd: echo report >> log.txt && wc -c < model.txt > report.txt
    deps: [model.txt]
    outs: [{report.txt: {cache: false}}]
`;
const FILES = { 'raw/a.txt': 'a\n', 'raw/b.txt': 'b\n', 'params.yaml': 'prepare:\n  seed: 1\n  other: x\ntrain:\n  lr: 0.1\n' };

const lock = (repo: string) => read(repo, 'dvd.lock');
const dry = (repo: string, args: string[] = []) => JSON.parse(dvdOk(repo, ['repro', '--dry', '--json', ...args]).stdout);
const actions = (r: { stages: { stage: string; action: string }[] }) => Object.fromEntries(r.stages.map((s) => [s.stage, s.action]));

describe('when a stage runs (PIPELINES.md "When a stage runs")', () => {
  it('no lock entry: every stage runs, in order; then nothing runs', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    expect(reproRan(repo)).toEqual(['prepare', 'train', 'report']);
    expect(read(repo, 'model.txt')).toBe('a\nb\nlr=0.1\n');
    const r = dvdOk(repo, ['repro']);
    expect(r.stdout).toContain('Pipeline is up to date. Nothing to reproduce.');
    expect(reproRan(repo)).toEqual([]);
    expect(dry(repo).stages.every((s: { action: string }) => s.action === 'unchanged')).toBe(true);
  });

  it('the resolved cmd changed: the stage runs, and its reason says so', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), CHAIN.replace('wc -c < model.txt', 'wc -l < model.txt'));
    const d = dry(repo);
    expect(d.stages.find((s: { stage: string }) => s.stage === 'report')).toEqual({
      stage: 'report', action: 'run', reasons: [{ kind: 'cmd', old: ['echo report >> log.txt && wc -c < model.txt > report.txt'], new: ['echo report >> log.txt && wc -l < model.txt > report.txt'] }],
    });
    expect(reproRan(repo)).toEqual(['report']);
  });

  it('a dep changed, was added or removed', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    fs.appendFileSync(path.join(repo, 'raw/a.txt'), 'more\n');
    writeFiles(repo, { 'raw/c.txt': 'c\n' });
    expect(dvdOk(repo, ['repro', '--dry']).stdout).toContain('prepare: would run: dep raw modified (2 files)');
    expect(reproRan(repo)).toEqual(['prepare', 'train', 'report']);

    fs.writeFileSync(path.join(repo, 'dvd.yaml'), CHAIN.replace('deps: [model.txt]', 'deps: [model.txt, extra.txt]'));
    writeFiles(repo, { 'extra.txt': 'x' });
    expect(dry(repo).stages[2].reasons).toEqual([{ kind: 'dep-added', path: 'extra.txt' }]);
    expect(reproRan(repo)).toEqual(['report']);
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), CHAIN);
    expect(dry(repo).stages[2].reasons).toEqual([{ kind: 'dep-removed', path: 'extra.txt' }]);
    expect(reproRan(repo, ['--no-run-cache'])).toEqual(['report']);
  });

  it('a tracked param changed (an untracked one does not count)', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    fs.writeFileSync(path.join(repo, 'params.yaml'), 'prepare:\n  seed: 1\n  other: y\ntrain:\n  lr: 0.1\n');
    expect(reproRan(repo)).toEqual([]);
    fs.writeFileSync(path.join(repo, 'params.yaml'), 'prepare:\n  seed: 2\n  other: y\ntrain:\n  lr: 0.1\n  epochs: 3\n');
    const d = dry(repo);
    expect(d.stages[0]).toEqual({ stage: 'prepare', action: 'run', reasons: [{ kind: 'param', file: 'params.yaml', key: 'prepare.seed', old: 1, new: 2 }] });
    expect(d.stages[1].reasons).toEqual([{ kind: 'param', file: 'params.yaml', key: 'train.epochs', new: 3 }, { kind: 'upstream', stage: 'prepare' }]);
    const words = dvdOk(repo, ['repro', '--dry']).stdout;
    expect(words).toContain('prepare: would run: params.yaml prepare.seed 1 -> 2\n');
    expect(words).toContain('train: would run: params.yaml train.epochs new: 3; upstream stage prepare runs first\n');
    // train runs for its own new param; its model comes out the same bytes, so report,
    // re-checked after it, does not run.
    expect(reproRan(repo)).toEqual(['prepare', 'train']);
  });

  it('an output is missing or differs from the lock', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo, ['--no-run-cache']);
    fs.rmSync(path.join(repo, 'model.txt'));
    expect(dry(repo, ['--no-run-cache']).stages[1].reasons).toEqual([{ kind: 'out-missing', path: 'model.txt' }]);
    expect(reproRan(repo, ['--no-run-cache'])).toEqual(['train']);
    fs.writeFileSync(path.join(repo, 'prepared/a.txt'), 'edited\n');
    expect(dry(repo).stages[0].reasons).toEqual([{ kind: 'out-modified', path: 'prepared', changes: { added: 0, modified: 1, deleted: 0 } }]);
    expect(reproRan(repo, ['--no-run-cache'])).toEqual(['prepare']);
    expect(read(repo, 'prepared/a.txt')).toBe('a\n');
  });

  it('always_changed always runs; frozen never runs', () => {
    const repo = pipelineRepo(`stages:
  stamp:
    cmd: echo stamp >> log.txt && date +%N > stamp.txt
    outs: [stamp.txt]
    always_changed: true
  frozen:
    cmd: echo frozen >> log.txt && echo f > f.txt
    outs: [f.txt]
    frozen: true
`);
    expect(reproRan(repo)).toEqual(['stamp']);
    expect(reproRan(repo)).toEqual(['stamp']);
    expect(dry(repo).stages).toEqual([
      { stage: 'stamp', action: 'run', reasons: [{ kind: 'always-changed' }] },
      { stage: 'frozen', action: 'frozen', reasons: [] },
    ]);
    expect(fs.existsSync(path.join(repo, 'f.txt'))).toBe(false);
    expect(reproRan(repo, ['-f'])).toEqual(['stamp']);
  });

  it('an upstream stage that ran makes downstream stages be re-checked, not forced', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    // prepare runs (its param changed) but writes the same files: train and report stay.
    fs.writeFileSync(path.join(repo, 'params.yaml'), FILES['params.yaml'].replace('seed: 1', 'seed: 5'));
    expect(actions(dry(repo))).toEqual({ prepare: 'run', train: 'recheck', report: 'recheck' });
    expect(reproRan(repo, ['--no-run-cache'])).toEqual(['prepare']);
  });

  it('outputs are deleted before the command runs, unless persist: true', () => {
    const repo = pipelineRepo(`stages:
  fresh:
    cmd: echo fresh >> log.txt && mkdir -p out && ls out > listing.txt && touch out/new-\${n}
    params: [n]
    outs: [out, listing.txt]
  acc:
    cmd: echo acc >> log.txt && mkdir -p acc && ls acc > acc-listing.txt && touch acc/new-\${n}
    params: [n]
    outs: [{acc: {persist: true}}, acc-listing.txt]
`, { 'params.yaml': 'n: 1\n' });
    reproRan(repo);
    fs.writeFileSync(path.join(repo, 'params.yaml'), 'n: 2\n');
    expect(reproRan(repo)).toEqual(['fresh', 'acc']);
    expect(fs.readdirSync(path.join(repo, 'out'))).toEqual(['new-2']);
    expect(read(repo, 'listing.txt')).toBe('');
    expect(fs.readdirSync(path.join(repo, 'acc')).sort()).toEqual(['new-1', 'new-2']);
    expect(read(repo, 'acc-listing.txt')).toBe('new-1\n');
  });

  it('a failing command: outputs not committed, lock entry and cache unchanged, exit 1 naming the stage and exit code', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    const before = lock(repo);
    const cacheBefore = fs.readdirSync(path.join(repo, '.dvd/cache/sha256')).flatMap((f) => fs.readdirSync(path.join(repo, '.dvd/cache/sha256', f)));
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), CHAIN.replace("cat prepared/* > model.txt", "echo partial > model.txt && exit 3"));
    const r = dvd(repo, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: stage train failed: command "echo train >> log.txt && echo partial > model.txt && exit 3 && echo lr=0.1 >> model.txt" exited with code 3');
    expect(r.stderr).toContain('error: stage train failed\n');
    expect(r.stdout).not.toContain('Running stage report');
    expect(lock(repo)).toBe(before);
    const cacheAfter = fs.readdirSync(path.join(repo, '.dvd/cache/sha256')).flatMap((f) => fs.readdirSync(path.join(repo, '.dvd/cache/sha256', f)));
    expect(cacheAfter.sort()).toEqual(cacheBefore.sort());
    const j = JSON.parse(dvd(repo, ['repro', '--json']).stdout);
    expect(j.failed).toEqual(['train']);
    expect(j.stages.map((s: { action: string }) => s.action)).toEqual(['unchanged', 'failed', 'skipped']);
    expect(j.stages[1].exitCode).toBe(3);
  });

  it('outputs are git-ignored like dvd add does; cache: false outputs are left to Git', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    reproRan(repo);
    expect(read(repo, '.gitignore')).toBe('/prepared\n/model.txt\n');
    expect(lock(repo)).toMatch(/\{path: report\.txt, oid: sha256:[0-9a-f]{64}, size: \d+, cache: false\}/);
  });
});

describe('dvd repro: selection and flags', () => {
  it('targets bring their upstream; -s only the target; --downstream the target and what follows; -f forces', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    expect(reproRan(repo, ['train'])).toEqual(['prepare', 'train']);
    fs.writeFileSync(path.join(repo, 'params.yaml'), FILES['params.yaml'].replace('lr: 0.1', 'lr: 0.2').replace('seed: 1', 'seed: 2'));
    expect(reproRan(repo, ['-s', 'train'])).toEqual(['train']);
    expect(reproRan(repo, ['--downstream', 'prepare'])).toEqual(['prepare', 'report']);
    expect(reproRan(repo, ['-f', '-s', 'report'])).toEqual(['report']);
    expect(reproRan(repo, ['-f', '--no-run-cache'])).toEqual(['prepare', 'train', 'report']);
  });

  it('-k goes on with stages that do not depend on the failure', () => {
    const repo = pipelineRepo(`stages:
  bad:
    cmd: echo bad >> log.txt && exit 2
    outs: [bad.txt]
  after:
    cmd: echo after >> log.txt && cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  other:
    cmd: echo other >> log.txt && echo o > other.txt
    outs: [other.txt]
`);
    const r1 = dvd(repo, ['repro']);
    expect(r1.code).toBe(1);
    expect(read(repo, 'log.txt')).toBe('bad\n');
    fs.rmSync(path.join(repo, 'log.txt'));
    const r2 = dvd(repo, ['repro', '-k']);
    expect(r2.code).toBe(1);
    expect(read(repo, 'log.txt')).toBe('bad\nother\n');
    expect(r2.stdout).toContain('after: not run: upstream stage bad failed');
    expect(r2.stderr).toContain('error: stage bad failed');
  });

  it('a missing dep names the stage that needs it and what would make it', () => {
    const repo = pipelineRepo(`stages:
  a:
    cmd: echo a > a.txt
    deps: [nowhere.txt]
    outs: [a.txt]
  b:
    cmd: cp a.txt b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: cp -r data c
    deps: [data]
    outs: [c]
`, { 'data/x': 'x' });
    dvdOk(repo, ['add', 'data']);
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    const r = dvd(repo, ['repro', '-k']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: stage a failed: stage a needs nowhere.txt, which does not exist (no stage makes it and dvd does not track it)');
    expect(r.stderr).toContain('error: stage c failed: stage c needs data, which does not exist (it is tracked data: run `dvd pull` (or `dvd checkout`))');
    const s = dvd(repo, ['repro', '-s', 'b']);
    expect(s.stderr).toContain('stage b needs a.txt, which does not exist (stage a makes it: run `dvd repro a`)');
    const st = dvdOk(repo, ['status']).stdout;
    expect(st).toContain('a: never ran (no entry in dvd.lock); dep nowhere.txt missing (no stage makes it)\n');
    expect(st).toContain('c: never ran (no entry in dvd.lock); dep data missing (tracked data: run `dvd pull`)\n');
  });

  it('dvd status lists stages with reasons in words next to the data', () => {
    const repo = pipelineRepo(CHAIN, FILES);
    expect(dvdOk(repo, ['status']).stdout).toBe('prepare: never ran (no entry in dvd.lock)\ntrain: never ran (no entry in dvd.lock); upstream stage prepare runs first\nreport: never ran (no entry in dvd.lock); upstream stage train runs first\n');
    reproRan(repo);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data, pointers and stages are up to date.\n');
    fs.writeFileSync(path.join(repo, 'params.yaml'), FILES['params.yaml'].replace('lr: 0.1', 'lr: 0.2'));
    expect(dvdOk(repo, ['status']).stdout).toBe('train: cmd changed: "echo train >> log.txt && cat prepared/* > model.txt && echo lr=0.1 >> model.txt" -> "echo train >> log.txt && cat prepared/* > model.txt && echo lr=0.2 >> model.txt"; params.yaml train.lr 0.1 -> 0.2\nreport: upstream stage train runs first\n');
    const j = JSON.parse(dvdOk(repo, ['status', '--json']).stdout);
    expect(j.stages.map((s: { stage: string }) => s.stage)).toEqual(['train', 'report']);
    expect(j.targets).toEqual([]);
    // A stage's name or one of its outputs selects it (and what it depends on).
    expect(dvdOk(repo, ['status', 'train']).stdout).toMatch(/^train: cmd changed/);
    expect(dvdOk(repo, ['status', 'model.txt']).stdout).toMatch(/^train: cmd changed[^\n]*\n$/);
  });
});

describe('deps inside a folder another stage reads whole', () => {
  it('are answered from that folder\'s scan, with the same oids as a scan of their own (and empty folders count)', () => {
    const yaml = `stages:
  whole:
    cmd: echo whole >> log.txt && ls -R data > whole.txt
    deps: [data]
    outs: [whole.txt]
  part:
    cmd: echo part >> log.txt && ls data/a > part.txt
    deps: [data/a, data/empty, data/a/x.txt]
    outs: [part.txt]
`;
    const repo = pipelineRepo(yaml, { 'data/a/x.txt': 'x\n', 'data/a/y.txt': 'y\n', 'data/b.txt': 'b\n' });
    fs.mkdirSync(path.join(repo, 'data/empty'));
    expect(reproRan(repo)).toEqual(['whole', 'part']);
    const withWhole = read(repo, 'dvd.lock');
    // -s part alone scans data/a by itself: the lock entry it would write is the same.
    expect(reproRan(repo, ['-s', 'part'])).toEqual([]);
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), yaml.replace('deps: [data]', 'deps: [other]'));
    writeFiles(repo, { 'other/o.txt': 'o' });
    expect(reproRan(repo, ['-s', 'part', '-f', '--no-run-cache'])).toEqual(['part']);
    const part = (t: string) => t.slice(t.indexOf('  part:'), t.indexOf('  whole:'));
    expect(part(read(repo, 'dvd.lock'))).toBe(part(withWhole));
    expect(part(withWhole)).toMatch(/\{path: data\/empty, oid: sha256:[0-9a-f]{64}, size: 0, files: 0\}/);
    fs.writeFileSync(path.join(repo, 'data/a/y.txt'), 'changed\n');
    fs.writeFileSync(path.join(repo, 'dvd.yaml'), yaml);
    expect(dvdOk(repo, ['status']).stdout).toContain('part: dep data/a modified (1 file)');
  });
});

describe('outputs under a symbolic link', () => {
  it('are not deleted through it: the stage fails and the target outside is untouched', () => {
    const outside = tempDir('dvd-outside-');
    fs.writeFileSync(path.join(outside, 'precious.txt'), 'keep me\n');
    const repo = pipelineRepo('stages:\n  s:\n    cmd: echo x > out/precious.txt\n    outs: [out/precious.txt]\n');
    fs.symlinkSync(outside, path.join(repo, 'out'));
    const r = dvd(repo, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stage s: output out/precious.txt is under out, a symbolic link; dvd will not delete through it');
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me\n');
  });
});
