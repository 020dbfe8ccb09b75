import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, dvd, dvdOk, git, writeFiles } from './helpers.js';
import { pipelineRepo } from './pipelineHelpers.js';

// A stage that writes three metrics files, one per format, from params.yaml: changing a
// param and running repro changes the metrics, so revisions differ in known ways.
const YAML = `stages:
  train:
    cmd: node write.cjs \${train.acc} \${train.loss} \${train.model}
    deps: [write.cjs]
    params: [train]
    metrics:
    - metrics.json: {cache: false}
    - scores.yaml: {cache: false}
    - extra.toml
`;
const WRITE = `const fs = require('fs');
const [acc, loss, model] = process.argv.slice(2);
fs.writeFileSync('metrics.json', JSON.stringify({ acc: Number(acc), loss: { val: Number(loss), train: 0.5 }, model }));
fs.writeFileSync('scores.yaml', 'eval:\\n  f1: ' + acc + '\\n');
fs.writeFileSync('extra.toml', 'auc = ' + acc + '\\n[per]\\nrecall = 0.25\\n');
`;
const params = (acc: number, loss: number, model = 'linear') => `train:\n  acc: ${acc}\n  loss: ${loss}\n  model: ${model}\n`;

/** A repository with one commit (acc 0.8) and the workspace re-run with acc 0.9. */
function repoWithRuns(): { repo: string; v1: string } {
  const repo = pipelineRepo(YAML, { 'params.yaml': params(0.8, 0.4), 'write.cjs': WRITE });
  dvdOk(repo, ['repro']);
  const v1 = commitAll(repo, 'v1');
  git(repo, 'tag', 'v1');
  writeFiles(repo, { 'params.yaml': params(0.9, 0.25, 'tree') });
  dvdOk(repo, ['repro']);
  return { repo, v1 };
}

describe('dvd metrics show', () => {
  it('shows JSON, YAML and TOML metrics with nested keys flattened; the TOML output is cached, read from the cache at a revision', () => {
    const { repo } = repoWithRuns();
    const r = dvdOk(repo, ['metrics', 'show', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.revisions).toEqual([
      {
        rev: 'workspace',
        commit: null,
        files: {
          'extra.toml': { auc: 0.9, 'per.recall': 0.25 },
          'metrics.json': { acc: 0.9, 'loss.train': 0.5, 'loss.val': 0.25, model: 'tree' },
          'scores.yaml': { 'eval.f1': 0.9 },
        },
        errors: [],
      },
    ]);
    const text = dvdOk(repo, ['metrics', 'show']).stdout.split('\n');
    expect(text[0].split(/\s+/)).toEqual(['Path', 'acc', 'auc', 'eval.f1', 'loss.train', 'loss.val', 'model', 'per.recall']);
    expect(text[2].split(/\s+/)).toEqual(['metrics.json', '0.9', '-', '-', '0.5', '0.25', 'tree', '-']);
    // extra.toml is a cached output: at v1 its bytes come from the cache, by dvd.lock's oid.
    const tags = JSON.parse(dvdOk(repo, ['metrics', 'show', '-T', '--json']).stdout).revisions;
    expect(tags.map((x: { rev: string }) => x.rev)).toEqual(['workspace', 'v1']);
    expect(tags[1].files['extra.toml']).toEqual({ auc: 0.8, 'per.recall': 0.25 });
    expect(tags[1].files['metrics.json'].acc).toBe(0.8);
  });

  it('-A: every commit, newest first; a file that is not valid at one commit is reported with the commit and file, the others still show, exit 1', () => {
    const { repo, v1 } = repoWithRuns();
    const v2 = commitAll(repo, 'v2');
    fs.writeFileSync(path.join(repo, 'metrics.json'), '{"acc": 0.95,');
    const bad = commitAll(repo, 'broken metrics');
    const r = dvd(repo, ['metrics', 'show', '-A', '--json']);
    expect(r.code).toBe(1);
    const revs = JSON.parse(r.stdout).revisions as { rev: string; commit: string | null; files: Record<string, Record<string, unknown>>; errors: string[] }[];
    expect(revs.map((x) => x.commit)).toEqual([null, bad, v2, v1]);
    const broken = revs.find((x) => x.commit === bad)!;
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]).toMatch(new RegExp(`^${bad.slice(0, 12)}:metrics\\.json: not valid JSON`));
    expect(broken.files['scores.yaml']).toEqual({ 'eval.f1': 0.9 });
    expect(revs.find((x) => x.commit === v1)!.files['metrics.json'].acc).toBe(0.8);
    expect(r.stderr).toContain(`warning: ${bad.slice(0, 12)}:metrics.json: not valid JSON`);
    expect(r.stderr).toMatch(/error: 2 files could not be read/);
    // The text table shows the same rows (the workspace's broken file is reported too).
    const text = dvd(repo, ['metrics', 'show', '-A']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^${v1.slice(0, 12)}\\s+metrics\\.json\\s+0\\.8\\s`, 'm'));
    // What was parsed is kept by blob oid, so a second run parses nothing of the history again.
    const cache = JSON.parse(fs.readFileSync(path.join(repo, '.dvd/state/history-cache.json'), 'utf8'));
    expect(Object.keys(cache.entries).filter((k) => k.startsWith('metrics:.json:git:'))).toHaveLength(3);
    expect(JSON.parse(dvd(repo, ['metrics', 'show', '-A', '--json']).stdout)).toEqual(JSON.parse(r.stdout));
  });

  it('-A lists commits made in the same second children first, also when a tag names an older one', () => {
    const repo = pipelineRepo(YAML, { 'params.yaml': params(0.5, 0.5), 'write.cjs': WRITE });
    // One committer date for every commit: only the graph can order them.
    const commitAt = (msg: string) => {
      const env = { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
      for (const args of [['add', '-A'], ['commit', '-q', '-m', msg]]) expect(spawnSync('git', args, { cwd: repo, env }).status).toBe(0);
      return git(repo, 'rev-parse', 'HEAD').trim();
    };
    const commits: string[] = [];
    for (const acc of [0.6, 0.7, 0.8]) {
      writeFiles(repo, { 'params.yaml': params(acc, 0.5) });
      dvdOk(repo, ['repro']);
      commits.push(commitAt(`acc ${acc}`));
    }
    git(repo, 'tag', 'first', commits[0]);
    const revs = JSON.parse(dvdOk(repo, ['metrics', 'show', '-A', '--json']).stdout).revisions;
    expect(revs.map((x: { commit: string | null }) => x.commit)).toEqual([null, ...commits.reverse()]);
    expect(revs.map((x: { files: Record<string, { acc: number }> }) => x.files['metrics.json'].acc)).toEqual([0.8, 0.8, 0.7, 0.6]);
  });

  it('targets pick files; --md and --csv tables; a missing target is reported', () => {
    const { repo } = repoWithRuns();
    expect(dvdOk(repo, ['metrics', 'show', 'scores.yaml', '--md']).stdout).toBe('| Path | eval.f1 |\n|---|---:|\n| scores.yaml | 0.9 |\n');
    expect(dvdOk(repo, ['metrics', 'show', 'scores.yaml', 'extra.toml', '--csv']).stdout).toBe('Path,auc,eval.f1,per.recall\nextra.toml,0.9,-,0.25\nscores.yaml,-,0.9,-\n');
    const r = dvd(repo, ['metrics', 'show', 'nope.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('workspace:nope.json: no such file');
  });
});

describe('dvd metrics diff', () => {
  it('HEAD against the workspace by default: old, new and change; a non-numeric metric is shown, not diffed', () => {
    const { repo } = repoWithRuns();
    const doc = JSON.parse(dvdOk(repo, ['metrics', 'diff', '--json']).stdout);
    expect(doc.a.rev).toBe('HEAD');
    expect(doc.b).toEqual({ rev: 'workspace', commit: null });
    expect(doc.metrics).toEqual({
      'extra.toml': { auc: { old: 0.8, new: 0.9, change: 0.1 } },
      'metrics.json': { acc: { old: 0.8, new: 0.9, change: 0.1 }, 'loss.val': { old: 0.4, new: 0.25, change: -0.15 }, model: { old: 'linear', new: 'tree', change: null } },
      'scores.yaml': { 'eval.f1': { old: 0.8, new: 0.9, change: 0.1 } },
    });
    const text = dvdOk(repo, ['metrics', 'diff', '--precision', '1']).stdout;
    expect(text.split('\n')[0].split(/\s+/)).toEqual(['Path', 'Metric', 'HEAD', 'workspace', 'Change']);
    expect(text).toMatch(/^metrics\.json\s+loss\.val\s+0\.4\s+0\.3\s+-0\.1$/m);
    expect(text).toMatch(/^metrics\.json\s+model\s+linear\s+tree\s+-$/m);
    expect(text).not.toContain('loss.train');
    expect(dvdOk(repo, ['metrics', 'diff', '--all']).stdout).toMatch(/^metrics\.json\s+loss\.train\s+0\.5\s+0\.5\s+0$/m);
  });

  it('between two revisions, as Markdown for a pull request; nothing changed says so; an unknown revision exits 1', () => {
    const { repo, v1 } = repoWithRuns();
    const v2 = commitAll(repo, 'v2');
    const md = dvdOk(repo, ['metrics', 'diff', v1, v2, '--md', '--targets', 'metrics.json']).stdout;
    // A full hash is labelled by its first 12 digits, as -A labels commits.
    expect(md).toBe(`| Path | Metric | ${v1.slice(0, 12)} | ${v2.slice(0, 12)} | Change |\n|---|---|---:|---:|---:|\n| metrics.json | acc | 0.8 | 0.9 | +0.1 |\n| metrics.json | loss.val | 0.4 | 0.25 | -0.15 |\n| metrics.json | model | linear | tree | - |\n`);
    const same = dvdOk(repo, ['metrics', 'diff']);
    expect(same.stdout).toBe('');
    expect(same.stderr).toBe('No metrics changed between HEAD and workspace.\n');
    const r = dvd(repo, ['metrics', 'diff', 'nosuch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown revision "nosuch"');
  });
});

describe('dvd metrics check', () => {
  it('exits 0 when every condition holds and 1 naming the ones that fail, at the workspace or --rev', () => {
    const { repo } = repoWithRuns();
    const ok = dvdOk(repo, ['metrics', 'check', 'acc >= 0.9', 'loss.val<0.3', 'model == tree']);
    expect(ok.stdout).toBe('ok    acc >= 0.9  (metrics.json acc = 0.9)\nok    loss.val<0.3  (metrics.json loss.val = 0.25)\nok    model == tree  (metrics.json model = tree)\n');
    const r = dvd(repo, ['metrics', 'check', 'acc >= 0.9', 'loss.val < 0.3', '--rev', 'v1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  acc >= 0.9  (metrics.json acc = 0.8)\n');
    expect(r.stderr).toBe('error: 2 of 2 conditions failed at v1: acc >= 0.9 (acc = 0.8); loss.val < 0.3 (loss.val = 0.4)\n');
    const json = JSON.parse(dvd(repo, ['metrics', 'check', 'auc > 0.85', 'eval.f1 > 0.95', '--json']).stdout);
    expect(json.failed).toBe(1);
    expect(json.verdicts.map((v: { ok: boolean; file: string; actual: number }) => [v.ok, v.file, v.actual])).toEqual([[true, 'extra.toml', 0.9], [false, 'scores.yaml', 0.9]]);
  });

  it('a missing metric or a string compared as a number fails with the reason; a bad condition is a usage error (exit 2)', () => {
    const { repo } = repoWithRuns();
    const missing = dvd(repo, ['metrics', 'check', 'precision > 0.5']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('FAIL  precision > 0.5  (no metric precision in any metrics file)\n');
    const str = dvd(repo, ['metrics', 'check', 'metrics.json:model > 1']);
    expect(str.code).toBe(1);
    expect(str.stdout).toContain('(model is "tree", not a number)');
    for (const bad of ['acc', 'acc >= high', '>= 3']) {
      const r = dvd(repo, ['metrics', 'check', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`bad condition ${JSON.stringify(bad)}`);
    }
  });
});

describe('dvd params diff', () => {
  it('HEAD\'s dvd.lock against the params files in the workspace; two revisions; --all; JSON and Markdown', () => {
    const { repo, v1 } = repoWithRuns();
    // Edited but not run yet: the workspace side is the params file, HEAD's the lock.
    writeFiles(repo, { 'params.yaml': params(0.9, 0.2, 'tree') });
    const doc = JSON.parse(dvdOk(repo, ['params', 'diff', '--json']).stdout);
    expect(doc.params).toEqual({ 'params.yaml': { 'train.acc': { old: 0.8, new: 0.9 }, 'train.loss': { old: 0.4, new: 0.2 }, 'train.model': { old: 'linear', new: 'tree' } } });
    const v2 = commitAll(repo, 'v2');
    const [a, b] = [v1.slice(0, 12), v2.slice(0, 12)];
    expect(dvdOk(repo, ['params', 'diff', v1, v2]).stdout).toBe(
      `Path         Param        ${a}  ${b}\nparams.yaml  train.acc             0.8           0.9\nparams.yaml  train.loss            0.4          0.25\nparams.yaml  train.model        linear          tree\n`,
    );
    expect(dvdOk(repo, ['params', 'diff', 'HEAD', '--md']).stdout).toBe('| Path | Param | HEAD | workspace |\n|---|---|---:|---:|\n| params.yaml | train.loss | 0.25 | 0.2 |\n');
    expect(dvdOk(repo, ['params', 'diff', '--all', '--csv']).stdout).toBe('Path,Param,HEAD,workspace\nparams.yaml,train.acc,0.9,0.9\nparams.yaml,train.loss,0.25,0.2\nparams.yaml,train.model,tree,tree\n');
    const r = dvd(repo, ['params', 'diff', '--json', '--md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('choose one of --json, --md');
  });
});
