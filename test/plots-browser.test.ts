import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvdOk, tempDir } from './helpers.js';
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

  afterAll(async () => {
    await context?.close();
  });

  it('draws each chart with one line per revision and y field, with legends, and asks the network for nothing', async () => {
    const { repo, v1: v1full } = plotsRepo();
    const v1 = v1full.slice(0, 12);
    const file = dvdOk(repo, ['plots', 'diff', v1, 'HEAD', 'workspace']).stdout.trim();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    await page.goto(file);
    await page.evaluate(() => (window as unknown as { dvdPlotsReady: Promise<unknown> }).dvdPlotsReady);
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
});
