import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, dvdOk, tempDir, writeFiles } from './helpers.js';
import { pipelineRepo } from './pipelineHelpers.js';
import { plotsRepo } from './plotsHelpers.js';

// The plots page in a real browser: Debian's chromium (installed by .ci/run), driven by
// playwright-core, loading the page from disk with every request routed through the
// test. Anything but a file: URL is refused and recorded: the page must draw offline.
const CHROMIUM = '/usr/bin/chromium';

describe('the plots page in Chromium', () => {
  let context: BrowserContext;
  const network: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)`);
    context = await chromium.launchPersistentContext(tempDir('dvd-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      viewport: { width: 1366, height: 900 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      network.push(url);
      return route.abort();
    });
  });

  /** A tab on `file` once every chart is drawn; `problems` collects page errors and console warnings. */
  async function open(file: string) {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    await page.goto(file);
    await page.evaluate(() => (window as unknown as { dvdPlotsReady: Promise<unknown> }).dvdPlotsReady);
    return { page, problems };
  }

  /** What each chart of `file` drew: the marks matching `count[path]`. */
  async function drawn(file: string, count: Record<string, string>) {
    const { page, problems } = await open(file);
    const out = await page.evaluate((sel) => {
      const w = window as unknown as { dvdPlots: { id: string; path: string }[]; dvdPlotErrors: unknown[] };
      return { errors: w.dvdPlotErrors, plots: w.dvdPlots.map((p) => ({ path: p.path, marks: document.querySelectorAll(`#${p.id} ${sel[p.path]}`).length })) };
    }, count);
    await page.close();
    return { ...out, problems };
  }

  afterAll(async () => {
    await context?.close();
  });

  it('draws each chart with one line per revision and y field, with legends, and asks the network for nothing', async () => {
    const { repo, v1: v1full } = plotsRepo();
    const v1 = v1full.slice(0, 12);
    const file = dvdOk(repo, ['plots', 'diff', v1, 'HEAD', 'workspace']).stdout.trim();
    const { page, problems } = await open(file);
    const charts = await page.evaluate(() => {
      type Plot = { id: string; path: string; series: string[]; view: { scale(n: string): { domain(): string[] } } };
      const w = window as unknown as { dvdPlots: Plot[]; dvdPlotErrors: unknown[] };
      return {
        errors: w.dvdPlotErrors,
        plots: w.dvdPlots.map((p) => ({
          path: p.path,
          series: p.series,
          colorDomain: p.view.scale('color').domain(),
          lines: document.querySelectorAll(`#${p.id} .mark-line path`).length,
          legend: [...document.querySelectorAll(`#${p.id} .role-legend-label text`)].map((t) => t.textContent),
          title: document.querySelector(`#card-${p.id} h2`)!.textContent,
        })),
      };
    });
    expect(charts.errors).toEqual([]);
    expect(charts.plots).toEqual([
      { path: 'plots/acc.json', series: [`${v1} · train`, `${v1} · val`, 'HEAD · train', 'HEAD · val', 'workspace · train', 'workspace · val'], colorDomain: [v1, 'HEAD', 'workspace'], lines: 6, legend: [v1, 'HEAD', 'workspace', 'train', 'val'], title: 'train, val' },
      { path: 'plots/loss.csv', series: [v1, 'HEAD', 'workspace'], colorDomain: [v1, 'HEAD', 'workspace'], lines: 3, legend: [v1, 'HEAD', 'workspace'], title: 'Loss per epoch' },
    ]);
    // The axis titles from dvd.yaml are drawn.
    const axes = await page.evaluate(() => [...document.querySelectorAll('#plot-2 .role-axis-title text')].map((t) => t.textContent));
    expect(axes.sort()).toEqual(['Epoch', 'Training loss']);
    // Hovering a line chart shows every revision's value at that x.
    const box = (await page.locator('#plot-2 svg.marks').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 3);
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
    const tip = await page.evaluate(() => document.querySelector('#vg-tooltip-element')!.textContent!);
    for (const s of ['Epoch', v1, 'HEAD', 'workspace']) expect(tip).toContain(s);
    // The log scale switch re-draws the chart with its y on a log scale, still three lines.
    await page.click('input[data-plot="plot-2"]');
    await page.evaluate(() => (window as unknown as { dvdPlotsReady: Promise<unknown> }).dvdPlotsReady);
    const logged = await page.evaluate(() => {
      const p = (window as unknown as { dvdPlots: { view: { scale(n: string): { type: string } } }[] }).dvdPlots[1];
      return { type: p.view.scale('y').type, lines: document.querySelectorAll('#plot-2 .mark-line path').length };
    });
    expect(logged).toEqual({ type: 'log', lines: 3 });
    if (process.env.DVD_PLOTS_SCREENSHOT) await page.screenshot({ path: process.env.DVD_PLOTS_SCREENSHOT, fullPage: true });
    await page.close();
    expect(network).toEqual([]);
    expect(problems).toEqual([]);
    fs.rmSync(path.dirname(file.replace(/^file:\/\//, '')), { recursive: true });
  });

  it('draws the other templates too: scatter, smooth, horizontal bars and confusion matrices, one per revision', async () => {
    const repo = pipelineRepo(`stages:
  train:
    cmd: node make.cjs \${k}
    deps: [make.cjs]
    params: [k]
    plots:
    - points.csv: {x: a, y: b, template: scatter, cache: false}
    - curve.csv: {x: a, y: b, template: smooth, cache: false}
    - bars.csv: {x: name, y: score, template: bar_horizontal, cache: false}
    - confusion.csv: {x: actual, y: predicted, template: confusion, cache: false}
`, {
      'params.yaml': 'k: 1\n',
      'make.cjs': `const fs = require('fs');
const k = Number(process.argv[2]);
let p = 'a,b\\n'; for (let i = 0; i < 10; i++) p += i + ',' + (i * k + (i % 3)) + '\\n';
fs.writeFileSync('points.csv', p);
fs.writeFileSync('curve.csv', p);
fs.writeFileSync('bars.csv', 'name,score\\nalpha,' + k + '\\nbeta,' + (2 * k) + '\\ngamma,3\\n');
let c = 'actual,predicted\\n'; for (let i = 0; i < 12; i++) c += ['cat', 'dog'][i % 2] + ',' + ['cat', 'dog'][(i + (i < 3 * k ? 0 : 1)) % 2] + '\\n';
fs.writeFileSync('confusion.csv', c);
`,
    });
    dvdOk(repo, ['repro']);
    commitAll(repo, 'k 1');
    writeFiles(repo, { 'params.yaml': 'k: 2\n' });
    dvdOk(repo, ['repro']);
    const file = dvdOk(repo, ['plots', 'diff']).stdout.trim();
    const r = await drawn(file, { 'points.csv': '.mark-symbol.role-mark path', 'curve.csv': '.mark-line.role-mark path', 'bars.csv': '.mark-rect.role-mark path', 'confusion.csv': '.mark-rect.role-mark path' });
    expect(r.errors).toEqual([]);
    expect(r.problems).toEqual([]);
    // 10 points per revision; a faint raw and a smoothed line per revision; 3 bars per
    // revision; a 2 x 2 matrix per revision.
    expect(r.plots).toEqual([
      { path: 'bars.csv', marks: 6 },
      { path: 'confusion.csv', marks: 8 },
      { path: 'curve.csv', marks: 4 },
      { path: 'points.csv', marks: 20 },
    ]);
    expect(network).toEqual([]);
  });
});
