import { describe, expect, it } from 'vitest';
import { DvdError } from '../src/core/errors.js';
import type { TagRecord } from '../src/git/listTagRecords.js';
import { lineageMessage, parseLineage, serializeLineage, splitTagMessage, type Lineage } from '../src/pipeline/lineage.js';
import { parseMetrics } from '../src/pipeline/readMetrics.js';
import { buildRegistry, maxCounterOf } from '../src/pipeline/registryState.js';
import { bumpVersion, checkRegistryName, formatRegistryTag, parseArtifactRef, parseRegistryTag, parseStageList, parseVersionArg } from '../src/pipeline/registryTag.js';

const C1 = 'c0ffee'.padEnd(40, '1');
const C2 = 'c0ffee'.padEnd(40, '2');
const C3 = 'c0ffee'.padEnd(40, '3');
const OID = 'a'.repeat(64);

/** The DvdError `fn` throws, for asserting its code, exit code and hint. */
function errorOf(fn: () => unknown): DvdError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DvdError) return err;
    throw err;
  }
  throw new Error('expected a DvdError');
}

/** An annotated tag record at `time` on `commit`. */
const tag = (name: string, commit: string, time: number, annotated = true): TagRecord => ({ name, annotated, commit, time, by: 'T <t@e>', subject: name });

describe('registry tag names (GTO format)', () => {
  it('parses every form GTO writes and reads, and formats them back byte for byte', () => {
    const cases: [string, ReturnType<typeof parseRegistryTag>][] = [
      ['clf@v1.2.3', { artifact: 'clf', action: 'register', version: 'v1.2.3', counter: undefined }],
      ['clf@v1.0.0-rc.1+build.5', { artifact: 'clf', action: 'register', version: 'v1.0.0-rc.1+build.5', counter: undefined }],
      ['clf@v1.2.3#4', { artifact: 'clf', action: 'register', version: 'v1.2.3', counter: 4 }],
      ['clf@v1.2.3!', { artifact: 'clf', action: 'deregister', version: 'v1.2.3', counter: undefined }],
      ['clf@v1.2.3!#7', { artifact: 'clf', action: 'deregister', version: 'v1.2.3', counter: 7 }],
      ['clf#prod#3', { artifact: 'clf', action: 'assign', stage: 'prod', counter: 3 }],
      ['clf#prod', { artifact: 'clf', action: 'assign', stage: 'prod', counter: undefined }],
      ['clf#prod!#9', { artifact: 'clf', action: 'unassign', stage: 'prod', counter: 9 }],
      ['clf#prod!', { artifact: 'clf', action: 'unassign', stage: 'prod', counter: undefined }],
      ['clf@deprecated', { artifact: 'clf', action: 'deprecate', counter: undefined }],
      ['clf@deprecated#12', { artifact: 'clf', action: 'deprecate', counter: 12 }],
      ['clf@created', { artifact: 'clf', action: 'create', counter: undefined }],
      ['team/Model_2@v0.0.1', { artifact: 'team/Model_2', action: 'register', version: 'v0.0.1', counter: undefined }],
      ['models/dir=rf@v1.0.0', { artifact: 'models/dir:rf', action: 'register', version: 'v1.0.0', counter: undefined }],
      // GTO 0.0.x wrote `#stage-N`; current GTO reads that as a stage named `stage-N`, so do we.
      ['clf#prod-5', { artifact: 'clf', action: 'assign', stage: 'prod-5', counter: undefined }],
    ];
    for (const [name, want] of cases) {
      const got = parseRegistryTag(name);
      expect(got, name).toEqual(want);
      expect(formatRegistryTag(got!)).toBe(name);
    }
  });

  it('is not fooled by tags that are not registry events', () => {
    for (const name of ['v1.0.0', 'release-2024', 'clf@1.0.0', 'clf@v1.0', 'clf@v01.0.0', 'clf@v1.0.0#x', 'clf#', '-clf#prod', 'clf-#prod', 'clf@latest', 'clf#prod#3#4', 'a b@v1.0.0']) {
      expect(parseRegistryTag(name), name).toBeNull();
    }
  });

  it('checks names and stages against the tag rule and suggests a fixed one', () => {
    for (const ok of ['clf', 'a', 'Model-2', 'team/model_x']) expect(() => checkRegistryName(ok, 'artifact name')).not.toThrow();
    const e = errorOf(() => checkRegistryName('my.model', 'artifact name'));
    expect(e.code).toBe('EBADNAME');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('"my.model" cannot be part of a registry tag');
    expect(e.hint).toContain('"my-model"');
    for (const bad of ['-x', 'x-', 'a@b', 'a#b', 'a b', 'a//b', '']) expect(() => checkRegistryName(bad, 'stage'), bad).toThrow(/cannot be part of a registry tag/);
  });

  it('parses versions with the semver package, in tag form, and refuses the rest with an example', () => {
    expect(parseVersionArg('v1.2.3')).toBe('v1.2.3');
    expect(parseVersionArg('1.2.3')).toBe('v1.2.3');
    expect(parseVersionArg('v2.0.0-beta.1')).toBe('v2.0.0-beta.1');
    const e = errorOf(() => parseVersionArg('v1.2'));
    expect(e.code).toBe('EBADVERSION');
    expect(e.hint).toBe('for example v1.2.0');
    expect(errorOf(() => parseVersionArg('latest')).hint).toContain('v1.0.0');
    expect(bumpVersion('v1.2.3', 'minor')).toBe('v1.3.0');
    expect(bumpVersion('v1.3.0-rc.1', 'patch')).toBe('v1.3.0');
    expect(bumpVersion('v1.2.3', 'major')).toBe('v2.0.0');
  });

  it('parses references and registry.stages', () => {
    expect(parseArtifactRef('clf')).toEqual({ name: 'clf' });
    expect(parseArtifactRef('clf@v1.0.0')).toEqual({ name: 'clf', version: 'v1.0.0' });
    expect(parseArtifactRef('clf@latest')).toEqual({ name: 'clf', version: undefined });
    expect(parseArtifactRef('clf#prod')).toEqual({ name: 'clf', stage: 'prod' });
    expect(errorOf(() => parseArtifactRef('clf@1.0')).code).toBe('EBADVERSION');
    expect(parseStageList('staging, prod')).toEqual(['staging', 'prod']);
    expect(parseStageList(undefined)).toBeNull();
    expect(errorOf(() => parseStageList('dev, pro d.x')).message).toMatch(/^config registry\.stages: stage "d.x"/);
  });
});

describe('registry state (GTO semantics)', () => {
  it('latest is the greatest semver, a stage holds its most recent assignment, unassign falls back, deregistered versions drop out', () => {
    const tags = [
      tag('clf@v1.0.0', C1, 100),
      tag('clf@v1.10.0', C2, 200),
      tag('clf@v1.2.0-rc.1', C3, 300),
      tag('clf#prod#1', C1, 110),
      tag('clf#prod#2', C2, 210),
      tag('clf#prod!#3', C2, 220),
      tag('clf#staging#4', C3, 310),
      tag('clf@v1.2.0-rc.1!', C3, 320),
      tag('v1.0', C1, 1), // a release tag, not the registry's
      tag('clf@v9.0.0#7', C1, 1, false), // lightweight: skipped as GTO skips it, but its counter counts
    ];
    const reg = buildRegistry(tags);
    const a = reg.get('clf')!;
    expect(a.latest!.version).toBe('v1.10.0');
    expect(a.versions.map((v) => v.version)).toEqual(['v1.10.0', 'v1.2.0-rc.1', 'v1.0.0']);
    // prod: v1.10.0 was assigned after v1.0.0, then unassigned: back to v1.0.0.
    expect(a.stages.map((s) => [s.stage, s.version.version, s.tag])).toEqual([['prod', 'v1.0.0', 'clf#prod#1']]);
    // staging held the rc, which was then deregistered.
    expect(a.versions.find((v) => v.version === 'v1.2.0-rc.1')!.deregistered).toBe(true);
    expect(maxCounterOf(tags.map((t) => t.name), 'clf')).toBe(7);
    expect(maxCounterOf(['other#x#9'], 'clf')).toBe(0);
    expect(a.events.map((e) => e.tag)).toEqual(['clf@v1.0.0', 'clf#prod#1', 'clf@v1.10.0', 'clf#prod#2', 'clf#prod!#3', 'clf@v1.2.0-rc.1', 'clf#staging#4', 'clf@v1.2.0-rc.1!']);
    expect(a.events.find((e) => e.tag === 'clf#prod!#3')!.version).toBe('v1.10.0');
    expect(reg.has('v1.0')).toBe(false);
  });

  it('orders events within one second by counter, registrations first, deprecation last', () => {
    const reg = buildRegistry([
      tag('clf@deprecated', C1, 50),
      tag('clf#prod!#2', C1, 50),
      tag('clf#prod#1', C1, 50),
      tag('clf@v1.0.0', C1, 50),
    ]);
    const a = reg.get('clf')!;
    expect(a.events.map((e) => e.action)).toEqual(['register', 'assign', 'unassign', 'deprecate']);
    expect(a.deprecated).toBe(true);
    expect(a.stages).toEqual([]);
  });

  it('a later registration makes a deprecated artifact active; an assignment at an unregistered commit is a version of its own', () => {
    const reg = buildRegistry([tag('clf@v1.0.0', C1, 10), tag('clf@deprecated', C1, 20), tag('clf@v1.1.0', C2, 30), tag('clf#dev', C3, 40)]);
    const a = reg.get('clf')!;
    expect(a.deprecated).toBe(false);
    expect(a.stages[0].version).toMatchObject({ version: C3, registered: false, commit: C3 });
    expect(a.latest!.version).toBe('v1.1.0');
  });
});

describe('metrics and lineage documents', () => {
  it('reads metrics from JSON, YAML and TOML, flattened to dotted keys', () => {
    expect(parseMetrics('{"acc": 0.9, "loss": {"train": 0.1, "val": 0.2}, "curve": [1, 2]}', 'm.json')).toEqual({ acc: 0.9, curve: [1, 2], 'loss.train': 0.1, 'loss.val': 0.2 });
    expect(parseMetrics('eval:\n  auc: 0.8\n', 'm.yaml')).toEqual({ 'eval.auc': 0.8 });
    expect(parseMetrics('[eval]\nf1 = 0.7\n', 'm.toml')).toEqual({ 'eval.f1': 0.7 });
    expect(parseMetrics('{}', 'empty.json')).toEqual({});
    expect(() => parseMetrics('[1, 2]', 'v1:m.json')).toThrow('v1:m.json: a metrics file must hold a map of keys');
    expect(() => parseMetrics('{', 'v1:m.json')).toThrow(/^v1:m\.json: not valid JSON/);
  });

  const lineage: Lineage = {
    artifact: 'clf', path: 'model.bin', commit: C1, oid: OID, size: 42, stage: 'train',
    lock: { cmd: ['node train.js'], deps: [{ path: 'data/raw', oid: OID, size: 10, files: 2 }], params: { 'params.yaml': { 'train.lr': 0.01 } }, outs: [{ path: 'model.bin', oid: OID, size: 42 }] },
    metrics: { 'metrics.json': { acc: 0.93, 'loss.final': 0.1 } },
  };

  it('serializes lineage byte-stably, in dvd.lock form, and parses it back', () => {
    const text = serializeLineage(lineage);
    expect(text).toBe(`lineage: 1
artifact: clf
path: model.bin
commit: ${C1}
oid: sha256:${OID}
size: 42
stage: train
lock:
  cmd: node train.js
  deps:
  - {path: data/raw, oid: sha256:${OID}, size: 10, files: 2}
  params:
    params.yaml: {train.lr: 0.01}
  outs:
  - {path: model.bin, oid: sha256:${OID}, size: 42}
metrics:
  metrics.json: {acc: 0.93, loss.final: 0.1}
`);
    expect(parseLineage(text, 'tag clf@v1.0.0')).toEqual(lineage);
  });

  it('finds the lineage after the last --- line of a tag message, and refuses a damaged one naming the field', () => {
    const msg = lineageMessage('Release notes\n---\nnot yaml: [', lineage);
    const split = splitTagMessage(msg);
    expect(split.text).toBe('Release notes\n---\nnot yaml: [');
    expect(parseLineage(split.lineage!, 't')).toEqual(lineage);
    expect(splitTagMessage('just a message\n---\nfoo: bar\n')).toEqual({ text: 'just a message\n---\nfoo: bar', lineage: null });
    const bad = serializeLineage(lineage).replace(`oid: sha256:${OID}\nsize`, 'oid: sha256:1234\nsize');
    expect(() => parseLineage(bad, 'tag clf@v1.0.0')).toThrow('tag clf@v1.0.0: lineage oid: bad oid "sha256:1234"');
  });
});
