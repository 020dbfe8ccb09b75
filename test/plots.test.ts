import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlotData } from '../src/pipeline/plotData.js';
import { dvd, dvdOk } from './helpers.js';
import { plotsRepo } from './plotsHelpers.js';

describe('dvd plots --json', () => {
  it('one Vega-Lite spec per plots file, every revision overlaid, axes and titles from dvd.yaml', () => {
    const { repo, v1: v1full } = plotsRepo();
    const v1 = v1full.slice(0, 12);
    const doc = JSON.parse(dvdOk(repo, ['plots', 'diff', v1, 'HEAD', 'workspace', '--json']).stdout);
    expect(doc.revisions.map((r: { label: string }) => r.label)).toEqual([v1, 'HEAD', 'workspace']);
    expect(new Set(doc.revisions.map((r: { color: string }) => r.color)).size).toBe(3);
    const [acc, loss] = doc.plots;
    expect(loss).toMatchObject({ path: 'plots/loss.csv', title: 'Loss per epoch', x: 'epoch', y: ['loss'], series: [v1, 'HEAD', 'workspace'], notes: [] });
    const enc = loss.spec.layer[0].encoding;
    expect(enc.x).toMatchObject({ field: 'x', type: 'quantitative', title: 'Epoch' });
    expect(enc.y).toMatchObject({ field: 'value', title: 'Training loss' });
    expect(enc.color.scale.domain).toEqual([v1, 'HEAD', 'workspace']);
    const values = loss.spec.data.values as { x: number; value: number; rev: string }[];
    expect(values).toHaveLength(15);
    expect(values.filter((v) => v.rev === 'workspace').map((v) => v.value)).toEqual([3, 1.5, 1, 0.75, 0.6]);
    expect(values.filter((v) => v.rev === v1).map((v) => v.x)).toEqual([1, 2, 3, 4, 5]);
    // Two y fields: a series per revision and field, dashes tell the fields apart.
    expect(acc.series).toEqual([`${v1} · train`, `${v1} · val`, 'HEAD · train', 'HEAD · val', 'workspace · train', 'workspace · val']);
    expect(acc.spec.layer[0].encoding.strokeDash.field).toBe('field');
    expect(acc.title).toBe('train, val');
  });

  it('defaults: HEAD and the workspace; one revision means it and the workspace; a file missing at a revision gets a note', () => {
    const { repo, v1: v1full } = plotsRepo();
    const v1 = v1full.slice(0, 12);
    const labels = (args: string[]) => JSON.parse(dvdOk(repo, ['plots', ...args, '--json']).stdout).revisions.map((r: { label: string }) => r.label);
    expect(labels(['diff'])).toEqual(['HEAD', 'workspace']);
    expect(labels(['diff', v1])).toEqual([v1, 'workspace']);
    expect(labels(['show'])).toEqual(['workspace']);
    fs.rmSync(path.join(repo, 'plots/acc.json'));
    const doc = JSON.parse(dvdOk(repo, ['plots', 'diff', '--json', '--targets', 'plots/acc.json']).stdout);
    expect(doc.plots).toHaveLength(1);
    expect(doc.plots[0].notes).toEqual(['not at workspace']);
    expect(doc.plots[0].series).toEqual(['HEAD · train', 'HEAD · val']);
  });

  it('a plots file that does not parse at one revision is reported with it (exit 1); the other revisions still draw', () => {
    const { repo } = plotsRepo();
    fs.writeFileSync(path.join(repo, 'plots/acc.json'), '[{"step": 1,');
    const r = dvd(repo, ['plots', 'diff', '--json']);
    expect(r.code).toBe(1);
    const acc = JSON.parse(r.stdout).plots.find((p: { path: string }) => p.path === 'plots/acc.json');
    expect(acc.series).toEqual(['HEAD · train', 'HEAD · val']);
    expect(acc.notes[0]).toMatch(/^workspace:plots\/acc\.json: not valid JSON/);
    expect(r.stderr).toMatch(/warning: workspace:plots\/acc\.json: not valid JSON/);
  });
});

describe('the plots page', () => {
  it('is one self-contained HTML file: the charting library inlined, no URL to load, the specs and revisions in it', () => {
    const { repo, v1: v1full } = plotsRepo();
    const v1 = v1full.slice(0, 12);
    const r = dvdOk(repo, ['plots', 'diff', v1, 'workspace', '-o', 'out/page']);
    const file = path.join(repo, 'out/page/index.html');
    expect(r.stdout).toBe(`file://${file}\n`);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i);
    for (const lib of ['vega', 'vega-lite', 'vega-embed']) {
      const v = JSON.parse(fs.readFileSync(path.join('node_modules', lib, 'package.json'), 'utf8')).version;
      expect(html).toContain(`<script>/* ${lib} ${v} */`);
    }
    expect(html).toContain('<title>Plots: ' + v1 + ' vs workspace</title>');
    expect(html).toContain('<h2>Loss per epoch</h2>');
    expect(html).toContain('plots/loss.csv · x: epoch · y: loss');
    expect(html).toContain('"series":["' + v1 + '","workspace"]');
    // Default folder: dvd_plots/ in the current folder.
    const sub = path.join(repo, 'plots');
    dvdOk(sub, ['plots', 'show']);
    expect(fs.existsSync(path.join(sub, 'dvd_plots/index.html'))).toBe(true);
  });
});

describe('plots files', () => {
  it('CSV (quoted fields), TSV, JSON (a list, or an object holding one) and YAML become rows; numbers become numbers', async () => {
    expect(await parsePlotData('step,name,loss\n1,"a, b",0.5\n2,c,1e-3\n', 'x.csv')).toEqual({ fields: ['step', 'name', 'loss'], rows: [{ step: 1, name: 'a, b', loss: 0.5 }, { step: 2, name: 'c', loss: 0.001 }] });
    expect((await parsePlotData('a\tb\n1\t2\n', 'x.tsv')).rows).toEqual([{ a: 1, b: 2 }]);
    expect((await parsePlotData('{"train": [{"s": 1, "v": 2}]}', 'x.json')).rows).toEqual([{ s: 1, v: 2 }]);
    expect((await parsePlotData('- {s: 1, v: 2}\n- {s: 2, v: 3}\n', 'x.yaml')).rows).toEqual([{ s: 1, v: 2 }, { s: 2, v: 3 }]);
    await expect(parsePlotData('{"a": 1}', 'v1:x.json')).rejects.toThrow('v1:x.json: expected a list of objects (or an object holding one)');
    await expect(parsePlotData('a: [b', 'v1:x.yaml')).rejects.toThrow(/^v1:x\.yaml: not valid YAML/);
  });
});
