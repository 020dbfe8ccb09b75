import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, tempRepo, writeFiles } from './helpers.js';

function repoWith(yaml: string, files: Record<string, string> = {}): string {
  const repo = tempRepo();
  writeFiles(repo, { 'dvd.yaml': yaml, ...files });
  return repo;
}

const CHAIN = `stages:
  prepare:
    cmd: cp -r raw prepared
    deps: [raw]
    outs: [prepared]
  train:
    cmd: cat prepared/a > model
    deps: [prepared/a]
    outs: [model]
  report:
    cmd: cat model > report
    deps: [model, prepared]
    outs: [report]
  lone:
    cmd: echo > lone
    outs: [lone]
`;

describe('dvd dag', () => {
  it('prints the graph as text, dot, mermaid and JSON (a dep inside an output folder is an edge)', () => {
    const repo = repoWith(CHAIN);
    expect(dvdOk(repo, ['dag']).stdout).toBe('prepare\ntrain <- prepare\nreport <- prepare, train\nlone\n');
    const dot = dvdOk(repo, ['dag', '--dot']).stdout;
    expect(dot).toContain('"prepare" -> "train";');
    expect(dot).toContain('"train" -> "report";');
    expect(dot).toMatch(/^digraph dvd \{\n[\s\S]*\}\n$/);
    const mermaid = dvdOk(repo, ['dag', '--mermaid']).stdout;
    expect(mermaid).toBe('flowchart TD\n  s0["prepare"]\n  s1["train"]\n  s2["report"]\n  s3["lone"]\n  s0 --> s1\n  s0 --> s2\n  s1 --> s2\n');
    const json = JSON.parse(dvdOk(repo, ['dag', '--json']).stdout);
    expect(json.edges).toEqual([{ from: 'prepare', to: 'train' }, { from: 'prepare', to: 'report' }, { from: 'train', to: 'report' }]);
    expect(json.stages.map((s: { name: string }) => s.name)).toEqual(['prepare', 'train', 'report', 'lone']);
    expect(dvdOk(repo, ['dag', 'train']).stdout).toBe('prepare\ntrain <- prepare\n');
    const unknown = dvd(repo, ['dag', 'trian']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no stage named "trian" in dvd.yaml (did you mean train?)');
  });

  it('refuses a cycle, listing it, and other bad graphs up front', () => {
    const cycle = repoWith('stages:\n  a:\n    cmd: x\n    deps: [c]\n    outs: [a]\n  b:\n    cmd: x\n    deps: [a]\n    outs: [b]\n  c:\n    cmd: x\n    deps: [b]\n    outs: [c]\n');
    const r = dvd(cycle, ['dag']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: dvd.yaml:2: stages form a cycle: a -> b -> c -> a');

    const dup = dvd(repoWith('stages:\n  a:\n    cmd: x\n    outs: [m]\n  b:\n    cmd: y\n    outs: [m]\n'), ['dag']);
    expect(dup.stderr).toContain('dvd.yaml:5: stage b: outs: m is also an output of stage a: two stages cannot make one output');
    const nested = dvd(repoWith('stages:\n  a:\n    cmd: x\n    outs: [d]\n  b:\n    cmd: y\n    outs: [d/sub]\n'), ['dag']);
    expect(nested.stderr).toContain('stage b: outs: output d/sub overlaps output d of stage a');
    const own = dvd(repoWith('stages:\n  a:\n    cmd: x\n    deps: [d/in]\n    outs: [d]\n'), ['dag']);
    expect(own.stderr).toContain('stage a: deps: dep d/in overlaps its own output d');

    const tracked = repoWith('stages:\n  a:\n    cmd: x\n    outs: [data/sub]\n', { 'data/sub/f': 'x' });
    dvdOk(tracked, ['add', 'data']);
    const t = dvd(tracked, ['dag']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('stage a: outs: data/sub overlaps data, which dvd add tracks (data.dvd)');
  });
});

describe('dvd stage add', () => {
  it('appends stages to dvd.yaml (kept comments), with every option, and the result loads', () => {
    const repo = repoWith('# my pipeline\nstages:\n  first:\n    cmd: echo hi > first.txt\n    outs: [first.txt]\n', { 'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n', 'cfg.json': '{"a": 1}' });
    const r = dvdOk(repo, ['stage', 'add', '-n', 'train', '-d', 'first.txt', '-d', 'src', '-o', 'model.bin', '-O', 'small.txt', '-p', 'train.lr,train.epochs', '-p', 'cfg.json:a',
      '-M', 'metrics.json', '--plots', 'loss.csv', '-w', '.', '--', 'node', 'train.js', '--msg', 'a b']);
    expect(r.stdout).toContain('added stage train in dvd.yaml');
    const text = fs.readFileSync(path.join(repo, 'dvd.yaml'), 'utf8');
    expect(text.startsWith('# my pipeline\nstages:\n  first:\n')).toBe(true);
    expect(text).toContain("cmd: node train.js --msg 'a b'");
    const json = JSON.parse(dvdOk(repo, ['dag', '--json']).stdout);
    expect(json.stages[1]).toEqual({ name: 'train', cmd: ["node train.js --msg 'a b'"], deps: ['first.txt', 'src'], outs: ['loss.csv', 'metrics.json', 'model.bin', 'small.txt'], frozen: false });
    expect(json.edges).toEqual([{ from: 'first', to: 'train' }]);
  });

  it('refuses an existing name without -f, outputs of another stage, tracked data, unknown params keys; changes nothing', () => {
    const repo = repoWith('stages:\n  a:\n    cmd: x\n    outs: [out]\n', { 'data/f': 'x', 'params.yaml': 'lr: 1\n' });
    dvdOk(repo, ['add', 'data']);
    const before = fs.readFileSync(path.join(repo, 'dvd.yaml'), 'utf8');
    const cases: [string[], string][] = [
      [['-n', 'a', '--', 'y'], 'dvd.yaml: stage a: already exists'],
      [['-n', 'b', '-o', 'out', '--', 'y'], 'stage b: outs: out is also an output of stage a'],
      [['-n', 'b', '-o', 'data', '--', 'y'], 'stage b: outs: data overlaps data, which dvd add tracks (data.dvd)'],
      [['-n', 'b', '-p', 'lrr', '--', 'y'], 'stage b: params: key "lrr" is not in params.yaml (did you mean lr?)'],
      [['-n', 'b@1', '--', 'y'], 'bad stage name "b@1"'],
    ];
    for (const [args, msg] of cases) {
      const r = dvd(repo, ['stage', 'add', ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(msg);
      expect(fs.readFileSync(path.join(repo, 'dvd.yaml'), 'utf8')).toBe(before);
    }
    dvdOk(repo, ['stage', 'add', '-f', '-n', 'a', '-o', 'other', '--', 'echo new']);
    expect(JSON.parse(dvdOk(repo, ['dag', '--json']).stdout).stages).toEqual([{ name: 'a', cmd: ['echo new'], deps: [], outs: ['other'], frozen: false }]);
  });
});
