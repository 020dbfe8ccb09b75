import { describe, expect, it } from 'vitest';
import type { LockEntry } from '../src/pipeline/lockFile.js';
import type { PathState } from '../src/pipeline/pathState.js';
import type { Stage } from '../src/pipeline/stage.js';
import { whyRun } from '../src/pipeline/whyRun.js';

// whyRun is pure: stage + lock entry + what is on disk -> reasons as data. These cases
// pin each rule of PIPELINES.md "When a stage runs" without spawning anything.
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const stage: Stage = {
  name: 'train',
  cmd: ['python train.py --lr 0.01'],
  wdir: '',
  deps: ['data', 'train.py'],
  params: [{ file: 'params.yaml', keys: ['train'], values: { 'train.epochs': 10, 'train.lr': 0.01 } }],
  outs: [{ path: 'model.pkl', cache: true, persist: false, kind: 'out' }],
  frozen: false,
  alwaysChanged: false,
};
const entry: LockEntry = {
  cmd: ['python train.py --lr 0.01'],
  deps: [{ path: 'data', oid: A, size: 3, files: 2 }, { path: 'train.py', oid: A, size: 1 }],
  params: { 'params.yaml': { 'train.epochs': 10, 'train.lr': 0.01 } },
  outs: [{ path: 'model.pkl', oid: A, size: 4 }],
};
const state = (oid: string, files?: number): PathState => (files === undefined ? { oid, size: 1 } : { oid, size: 3, files, entries: [] });
const observed = (over: { deps?: Record<string, PathState | null>; outs?: Record<string, PathState | null> } = {}) => ({
  deps: new Map(Object.entries({ data: state(A, 2), 'train.py': state(A), ...over.deps })),
  outs: new Map(Object.entries({ 'model.pkl': state(A), ...over.outs })),
});

describe('whyRun', () => {
  it('nothing differs: no reasons, no run', () => {
    expect(whyRun(stage, entry, observed())).toEqual({ run: false, reasons: [] });
  });
  it('no lock entry', () => {
    expect(whyRun(stage, undefined, observed())).toEqual({ run: true, reasons: [{ kind: 'never-ran' }] });
  });
  it('cmd, deps, params and outputs, each as data', () => {
    const s: Stage = { ...stage, cmd: ['python train.py --lr 0.02'], deps: ['data', 'extra'], params: [{ ...stage.params[0], values: { 'train.lr': 0.02, 'train.seed': 1 } }] };
    const r = whyRun(s, entry, observed({ deps: { data: state(B, 2), extra: state(A) }, outs: { 'model.pkl': null } }));
    expect(r.run).toBe(true);
    expect(r.reasons).toEqual([
      { kind: 'cmd', old: ['python train.py --lr 0.01'], new: ['python train.py --lr 0.02'] },
      { kind: 'dep-modified', path: 'data' },
      { kind: 'dep-added', path: 'extra' },
      { kind: 'dep-removed', path: 'train.py' },
      { kind: 'param', file: 'params.yaml', key: 'train.epochs', old: 10 },
      { kind: 'param', file: 'params.yaml', key: 'train.lr', old: 0.01, new: 0.02 },
      { kind: 'param', file: 'params.yaml', key: 'train.seed', new: 1 },
      { kind: 'out-missing', path: 'model.pkl' },
    ]);
  });
  it('a changed output, with file counts when both manifests are known', () => {
    const s: Stage = { ...stage, outs: [{ path: 'out', cache: true, persist: false, kind: 'out' }] };
    const e: LockEntry = { ...entry, outs: [{ path: 'out', oid: A, size: 2, files: 2 }] };
    const now: PathState = { oid: B, size: 2, files: 2, entries: [{ path: 'x', oid: B, size: 1, exec: false }, { path: 'z', oid: A, size: 1, exec: false }] };
    const old = [{ path: 'x', oid: A, size: 1, exec: false }, { path: 'y', oid: A, size: 1, exec: false }];
    const r = whyRun(s, e, { ...observed({ outs: { out: now } }), manifest: (oid) => (oid === A ? old : null) });
    expect(r.reasons).toEqual([{ kind: 'out-modified', path: 'out', changes: { added: 1, modified: 1, deleted: 1 } }]);
  });
  it('params compare by value, not by key order', () => {
    const s: Stage = { ...stage, params: [{ ...stage.params[0], values: { 'train.epochs': 10, 'train.lr': 0.01, 'train.opt': { b: 1, a: [1, 2] } } }] };
    const e: LockEntry = { ...entry, params: { 'params.yaml': { ...entry.params['params.yaml'], 'train.opt': { a: [1, 2], b: 1 } } } };
    expect(whyRun(s, e, observed()).run).toBe(false);
  });
  it('always_changed always runs; frozen reports but never runs; a missing dep is listed', () => {
    expect(whyRun({ ...stage, alwaysChanged: true }, entry, observed())).toEqual({ run: true, reasons: [{ kind: 'always-changed' }] });
    expect(whyRun({ ...stage, frozen: true }, undefined, observed())).toEqual({ run: false, reasons: [{ kind: 'never-ran' }] });
    expect(whyRun(stage, entry, observed({ deps: { data: null } })).reasons).toEqual([{ kind: 'dep-missing', path: 'data' }]);
  });
});
