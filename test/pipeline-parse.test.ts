import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DvdError } from '../src/core/errors.js';
import { pipelineFromText } from '../src/pipeline/loadPipeline.js';
import { parseLock, serializeEntry, serializeLock, type LockFile } from '../src/pipeline/lockFile.js';
import { parseParamsText } from '../src/pipeline/readParamsFile.js';
import type { ParamValue } from '../src/pipeline/stage.js';
import { PROJECT, tempDir } from './helpers.js';
import { parseYamlSource } from '../src/pipeline/yamlSource.js';

const OID = 'a'.repeat(64);
const PARAMS: Record<string, string> = {
  'params.yaml': 'prepare:\n  split: 0.2\n  seed: 7\ntrain:\n  lr: 0.01\n  epochs: 10\nsets: [val, test]\n',
  'src/params.yaml': 'train:\n  lr: 0.05\n',
  'src/cfg.json': '{"model": {"depth": 3, "act": "relu"}, "tag": "a"}',
  'src/opt.toml': '[opt]\nmomentum = 0.9\nwhen = 2024-01-02T03:04:05Z\n',
};
const readParams = (rel: string): Record<string, ParamValue> | null => (rel in PARAMS ? parseParamsText(PARAMS[rel], rel) : null);
const load = (yaml: string) => pipelineFromText(yaml, readParams);

function errorOf(fn: () => unknown): DvdError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DvdError);
    return err as DvdError;
  }
  throw new Error('expected an error');
}

describe('dvd.yaml: parse, expand, resolve', () => {
  it('reads every field: cmd string and list, wdir, deps, the three params forms, outs/metrics/plots, frozen, always_changed', () => {
    const p = load(`stages:
  prepare:
    cmd: ./prepare.sh \${prepare.split}
    deps: [prepare.sh, data/raw, data/raw]
    params: [prepare]
    outs: [data/prepared]
  train:
    cmd:
    - node train.js --lr \${train.lr}
    - echo done
    wdir: src
    deps: [../data/prepared, train.js]
    params:
    - train.lr
    - cfg.json: null
    - opt.toml: [opt.momentum]
    outs:
    - ../model.bin
    - ../cache-dir: {persist: true}
    metrics: [{../metrics.json: {cache: false}}]
    plots: [{../loss.csv: {x: step, y: loss, cache: false}}]
    frozen: true
  stamp:
    cmd: date > stamp.txt
    outs: [stamp.txt]
    always_changed: true
`);
    const [prepare, train, stamp] = p.stages;
    expect(prepare).toMatchObject({
      name: 'prepare', cmd: ['./prepare.sh 0.2'], wdir: '', deps: ['data/raw', 'prepare.sh'],
      params: [{ file: 'params.yaml', keys: ['prepare'], values: { 'prepare.seed': 7, 'prepare.split': 0.2 } }],
      outs: [{ path: 'data/prepared', cache: true, persist: false, kind: 'out' }], frozen: false, alwaysChanged: false,
    });
    expect(train.cmd).toEqual(['node train.js --lr 0.01', 'echo done']);
    expect(train.wdir).toBe('src');
    expect(train.deps).toEqual(['data/prepared', 'src/train.js']);
    expect(train.params).toEqual([
      { file: 'src/cfg.json', keys: null, values: { 'model.act': 'relu', 'model.depth': 3, tag: 'a' } },
      { file: 'src/opt.toml', keys: ['opt.momentum'], values: { 'opt.momentum': 0.9 } },
      { file: 'src/params.yaml', keys: ['train.lr'], values: { 'train.lr': 0.05 } },
    ]);
    expect(train.outs).toEqual([
      { path: 'cache-dir', cache: true, persist: true, kind: 'out' },
      { path: 'loss.csv', cache: false, persist: false, kind: 'plot', plot: { x: 'step', y: 'loss' } },
      { path: 'metrics.json', cache: false, persist: false, kind: 'metric' },
      { path: 'model.bin', cache: true, persist: false, kind: 'out' },
    ]);
    expect(train.frozen).toBe(true);
    expect(stamp.alwaysChanged).toBe(true);
  });

  it('TOML dates become ISO strings; all keys of a file with null', () => {
    const p = load('stages:\n  s:\n    cmd: x\n    params: [{src/opt.toml: null}]\n');
    expect(p.stages[0].params[0].values).toEqual({ 'opt.momentum': 0.9, 'opt.when': '2024-01-02T03:04:05.000Z' });
  });

  it('expands foreach over a list, a map and a ${...} list, and matrix, to name@key', () => {
    const p = load(`stages:
  eval:
    foreach: [val, test]
    do:
      cmd: node eval.js \${item}
      outs: [{"eval/\${item}.json": {cache: false}}]
  fit:
    foreach: {small: 1, big: 3}
    do:
      cmd: fit --\${key} \${item}
  per:
    foreach: \${sets}
    do:
      cmd: echo \${item}
  grid:
    matrix: {lr: [0.1, 0.2], act: [relu]}
    cmd: grid \${item.lr} \${item.act} \\\${literal}
`);
    expect(p.stages.map((s) => s.name)).toEqual(['eval@val', 'eval@test', 'fit@small', 'fit@big', 'per@val', 'per@test', 'grid@0.1-relu', 'grid@0.2-relu']);
    expect(p.stages[1].outs).toEqual([{ path: 'eval/test.json', cache: false, persist: false, kind: 'out' }]);
    expect(p.stages[3].cmd).toEqual(['fit --big 3']);
    expect(p.stages[7].cmd).toEqual(['grid 0.2 relu ${literal}']);
  });

  it('parses artifacts: for the registry', () => {
    const p = load('stages: {}\nartifacts:\n  classifier: {path: ./models/model.pkl, type: model, desc: "d", labels: [cv]}\n');
    expect(p.artifacts).toEqual([{ name: 'classifier', path: 'models/model.pkl', type: 'model', desc: 'd', labels: ['cv'], meta: undefined }]);
  });

  const bad: [string, string, RegExp][] = [
    ['a typo in a stage key', 'stages:\n  train:\n    cmd: x\n    dep: [a]\n', /^dvd\.yaml:4: unknown key "dep" in stage train \(did you mean deps\?\)$/],
    ['a typo in a top-level key', 'stage:\n  train: {cmd: x}\n', /^dvd\.yaml:1: unknown top-level key "stage" \(did you mean stages\?\)$/],
    ['a typo in an out property', 'stages:\n  t:\n    cmd: x\n    outs: [{m: {cahce: false}}]\n', /unknown key "cahce" in outs m of stage t \(did you mean cache\?\)/],
    ['a missing cmd', 'stages:\n  t:\n    deps: [a]\n', /^dvd\.yaml:3: stage t: cmd: missing/],
    ['a cmd that is a number', 'stages:\n  t:\n    cmd: 3\n', /^dvd\.yaml:3: stage t: cmd: must be a string/],
    ['an unknown variable', 'stages:\n  t:\n    cmd: run \${train.lrr}\n', /stage t: cmd: unknown variable \$\{train\.lrr\}/],
    ['an unknown top variable', 'stages:\n  t:\n    cmd: run \${trian.lr}\n', /unknown variable \$\{trian\.lr\} \(did you mean train\?\)/],
    ['a params key that does not exist', 'stages:\n  t:\n    cmd: x\n    params: [train.lrr]\n', /stage t: params: key "train\.lrr" is not in params\.yaml \(did you mean train\.lr\?\)/],
    ['a params file that does not exist', 'stages:\n  t:\n    cmd: x\n    params: [{nope.yaml: [a]}]\n', /stage t: params: params file nope\.yaml does not exist/],
    ['an output outside the repository', 'stages:\n  t:\n    cmd: x\n    outs: [../up]\n', /stage t: outs: "\.\.\/up" is outside the repository/],
    ['an absolute dep', 'stages:\n  t:\n    cmd: x\n    deps: [/etc/passwd]\n', /stage t: deps: "\/etc\/passwd": paths must be relative/],
    ['a bad stage name', 'stages:\n  a@b:\n    cmd: x\n', /bad stage name "a@b"/],
    ['foreach expanding to a name twice', 'stages:\n  e:\n    foreach: [a, a]\n    do: {cmd: x}\n', /stage e@a: defined twice/],
    ['foreach without do', 'stages:\n  e:\n    foreach: [a]\n', /stage e: do: missing/],
    ['a list in a string', 'stages:\n  t:\n    cmd: echo \${sets}\n', /\$\{sets\} is a list or map/],
    ['not YAML', 'stages:\n  t: {cmd: [x\n', /^dvd\.yaml:\d+: not valid YAML/],
    ['an output listed twice', 'stages:\n  t:\n    cmd: x\n    outs: [a]\n    metrics: [a]\n', /stage t: metrics: a is listed twice/],
  ];
  for (const [what, yaml, re] of bad) {
    it(`refuses ${what}, naming file, stage and field`, () => {
      const err = errorOf(() => load(yaml));
      expect(err.code).toBe('EPIPELINE');
      expect(err.message).toMatch(re);
    });
  }

  it('refuses a params file that does not parse, naming it', () => {
    expect(errorOf(() => parseParamsText('{"a": ', 'cfg.json')).message).toMatch(/^cfg\.json: not valid JSON/);
    expect(errorOf(() => parseParamsText('a = = 1', 'x.toml')).message).toMatch(/^x\.toml(:\d+)?: not valid TOML/);
  });
});

describe('the JSON Schema for dvd.yaml (schema/dvd.schema.json)', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(PROJECT, 'schema/dvd.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('accepts every dvd.yaml the parser accepts in these tests and the worked example', () => {
    const good = [
      'stages:\n  a:\n    cmd: [x, y]\n    wdir: src\n    deps: [a]\n    params: [k, {f.json: null}, {g.toml: [a.b]}]\n    outs: [o, {p: {persist: true}}]\n    metrics: [{m.json: {cache: false}}]\n    plots: [{l.csv: {x: step, y: loss}}]\n    frozen: false\n    always_changed: true\n',
      'stages:\n  e:\n    foreach: [a, b]\n    do: {cmd: echo}\n  m:\n    matrix: {a: [1]}\n    cmd: x\nartifacts:\n  c: {path: m.pkl, type: model, labels: [x]}\n',
      fs.readFileSync(path.join(PROJECT, 'fixtures/pipeline/dvd.yaml'), 'utf8'),
    ];
    for (const text of good) expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects the structural mistakes the parser rejects', () => {
    const badDocs = [
      'stages:\n  train:\n    cmd: x\n    dep: [a]\n',
      'stage:\n  train: {cmd: x}\n',
      'stages:\n  t:\n    deps: [a]\n',
      'stages:\n  t:\n    cmd: 3\n',
      'stages:\n  a@b:\n    cmd: x\n',
      'stages:\n  e:\n    foreach: [a]\n',
      'stages:\n  t:\n    cmd: x\n    outs: [{m: {cahce: false}}]\n',
      'stages:\n  t:\n    cmd: x\n    frozen: yes\n',
      'artifacts:\n  c: {type: model}\n',
    ];
    for (const text of badDocs) {
      expect(validate(parseYaml(text)), text).toBe(false);
      expect(() => load(text), text).toThrow(DvdError);
    }
  });
});

describe('dvd.lock', () => {
  const lock: LockFile = new Map([
    ['train', {
      cmd: ['python train.py --lr 0.01'],
      deps: [{ path: 'train.py', oid: OID, size: 2048 }, { path: 'data/prepared', oid: OID, size: 123, files: 10 }],
      params: { 'params.yaml': { 'train.lr': 0.01, 'train.epochs': 10 } },
      outs: [{ path: 'model.pkl', oid: OID, size: 4096 }, { path: 'metrics.json', oid: OID, size: 10, cache: false }],
    }],
    ['prepare', { cmd: ['a', 'b: c'], deps: [], params: {}, outs: [] }],
  ]);
  const text = serializeLock(lock);

  it('is sorted and byte-stable: parse then serialize gives the same bytes', () => {
    expect(text).toBe(`schema: '1'
stages:
  prepare:
    cmd:
    - a
    - 'b: c'
  train:
    cmd: python train.py --lr 0.01
    deps:
    - {path: data/prepared, oid: sha256:${OID}, size: 123, files: 10}
    - {path: train.py, oid: sha256:${OID}, size: 2048}
    params:
      params.yaml: {train.epochs: 10, train.lr: 0.01}
    outs:
    - {path: metrics.json, oid: sha256:${OID}, size: 10, cache: false}
    - {path: model.pkl, oid: sha256:${OID}, size: 4096}
`);
    expect(serializeLock(parseLock(text))).toBe(text);
    expect(serializeEntry(parseLock(text).get('train')!)).toBe(serializeEntry(lock.get('train')!));
  });

  it('refuses bad oids, unsafe paths and unknown schemas, naming the stage and field', () => {
    expect(errorOf(() => parseLock(text.replace(`sha256:${OID}, size: 123`, 'sha256:abc, size: 123'))).message).toMatch(/^dvd\.lock:\d+: stage train: deps\.0\.oid: bad oid "sha256:abc"/);
    expect(errorOf(() => parseLock(text.replace('path: model.pkl', 'path: ../x'))).message).toMatch(/stage train: outs\.1\.path: .*unsafe path/);
    expect(errorOf(() => parseLock(text.replace("schema: '1'", "schema: '9'"))).message).toMatch(/unsupported version "9"/);
  });
});

describe('the parse cache (.dvd/state/parsed-*.json)', () => {
  it('reads an unchanged file back from JSON, re-parses a changed one, and still names lines in errors', () => {
    const dir = tempDir();
    const cache = { dir };
    const text = 'stages:\n  t:\n    cmd: x\n    params: [lr]\n';
    expect(parseYamlSource(text, 'dvd.yaml', cache).value).toEqual({ stages: { t: { cmd: 'x', params: ['lr'] } } });
    const [entry] = fs.readdirSync(dir);
    expect(entry).toMatch(/^parsed-[0-9a-f]{16}\.json$/);
    // Served from the entry while the text is the same (proved by planting a different value)...
    const j = JSON.parse(fs.readFileSync(path.join(dir, entry), 'utf8'));
    fs.writeFileSync(path.join(dir, entry), JSON.stringify({ ...j, value: { planted: true } }));
    expect(parseYamlSource(text, 'dvd.yaml', cache).value).toEqual({ planted: true });
    // ...and parsed again when it changes.
    expect(parseYamlSource(text.replace('cmd: x', 'cmd: y'), 'dvd.yaml', cache).value).toEqual({ stages: { t: { cmd: 'y', params: ['lr'] } } });
    // An error found after a cache hit still has its line.
    const load2 = () => pipelineFromText(text, (rel) => (rel === 'params.yaml' ? { rate: 1 } : null), cache);
    expect(errorOf(load2).message).toMatch(/^dvd\.yaml:2: stage t: params: key "lr" is not in params\.yaml/);
    expect(errorOf(load2).message).toMatch(/^dvd\.yaml:2: /);
    // Values JSON cannot keep exactly are not cached.
    parseYamlSource('a: .inf\n', 'inf.yaml', cache);
    expect(parseYamlSource('a: .inf\n', 'inf.yaml', cache).value).toEqual({ a: Infinity });
  });
});
