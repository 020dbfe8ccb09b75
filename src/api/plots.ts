import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { chartLibrary } from '../pipeline/chartLibrary.js';
import type { Revision } from '../pipeline/HistoryReader.js';
import { parsePlotData, type PlotTable } from '../pipeline/plotData.js';
import { renderPlotsPage, type PagePlot, type PageRevision } from '../pipeline/plotsPage.js';
import { buildPlotSpec } from '../pipeline/plotSpec.js';
import type { DeclaredPlot } from '../pipeline/pipelineSummary.js';
import type { ApiContext } from './context.js';
import { repoTargets } from './metricsShow.js';
import { openHistory, readRevisionArg } from './openHistory.js';

/** Colours of revisions in page order (Tableau 10: tells ten series apart, also in print). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface PlotsOptions {
  /** Revisions to overlay; `workspace` names the workspace. See plots() for the defaults. */
  revs: string[];
  /** Plots files (or folders holding them), relative to ctx.cwd; default every declared one. */
  targets?: string[];
  /** Folder for index.html, relative to ctx.cwd (default `dvd_plots`); ignored with `json`. */
  out?: string;
  /** Build the specs only; write no page. */
  json?: boolean;
  /** For the page's footer: the command as typed. */
  command?: string;
}

export interface PlotResult {
  path: string;
  title: string;
  template?: string;
  x?: string;
  y?: string[];
  /** One per revision and y field that has data. */
  series: string[];
  /** A Vega-Lite spec with the data inline; null when nothing could be drawn. */
  spec: Record<string, unknown> | null;
  /** The page offers this y scale as a switch (see BuiltPlot.logScale). */
  logScale: 'log' | 'symlog' | null;
  notes: string[];
}

export interface PlotsResult {
  revisions: PageRevision[];
  plots: PlotResult[];
  /** Plots files that could not be read or drawn, naming revision and file. */
  errors: string[];
  /** The page written (absolute), unless `json`. */
  file?: string;
}

/**
 * `dvd plots show` / `dvd plots diff`: every declared plots file, with each revision's
 * data overlaid on one chart per file, as Vega-Lite specs and (unless `json`) one
 * self-contained page `OUT/index.html`. Revisions: none given = HEAD and the workspace
 * (`plots show` passes `workspace`); one = it and the workspace; more = exactly those.
 * Data comes from Git (`cache: false`) or the cache (cached plots at a commit); a
 * revision without the file gets a note, an unreadable file an error, and the rest
 * still draw.
 */
export async function plots(ctx: ApiContext, o: PlotsOptions): Promise<PlotsResult> {
  const h = openHistory(ctx);
  try {
    const wanted = o.revs.length === 0 ? ['HEAD', 'workspace'] : o.revs.length === 1 && o.revs[0].toLowerCase() !== 'workspace' ? [o.revs[0], 'workspace'] : o.revs;
    const revs: Revision[] = [];
    for (const r of wanted) revs.push(await readRevisionArg(h, r));
    const errors = revs.flatMap((r) => r.errors);
    const colors: Record<string, string> = {};
    revs.forEach((r, i) => (colors[r.label] = PALETTE[i % PALETTE.length]));
    const targets = repoTargets(h.repo.root, ctx.cwd, o.targets ?? []);
    const inside = (p: string) => targets.length === 0 || targets.some((t) => t === '' || p === t || p.startsWith(`${t}/`));
    // Each file once; its x/y/template as the last revision (usually the workspace) declares it.
    const declared = new Map<string, DeclaredPlot>();
    for (const r of revs) for (const p of r.summary?.plots ?? []) if (inside(p.path)) declared.set(p.path, p);
    const out: PlotResult[] = [];
    for (const d of [...declared.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const tables: { rev: string; table: PlotTable }[] = [];
      const notes: string[] = [];
      for (const r of revs) {
        const own = r.summary?.plots.find((p) => p.path === d.path);
        const src = await h.reader.source(r, own ?? { path: d.path, cache: d.cache });
        if ('missing' in src) notes.push(r.noResults ?? `not at ${r.label}`);
        else if ('error' in src) {
          notes.push(src.error);
          errors.push(src.error);
        } else {
          try {
            tables.push({ rev: r.label, table: await parsePlotData((await src.bytes()).toString('utf8'), `${r.label}:${d.path}`) });
          } catch (err) {
            if (!(err instanceof DvdError)) throw err;
            notes.push(err.message);
            errors.push(err.message);
          }
        }
      }
      if (tables.length === 0) {
        out.push({ path: d.path, title: d.props.title ?? d.path, series: [], spec: null, logScale: null, notes });
        continue;
      }
      try {
        const b = buildPlotSpec({ path: d.path, props: d.props, tables, colors });
        out.push({ path: d.path, title: b.title, template: b.template, x: b.x, y: b.y, series: b.series, spec: b.spec, logScale: b.logScale, notes });
      } catch (err) {
        if (!(err instanceof DvdError)) throw err;
        errors.push(err.message);
        out.push({ path: d.path, title: d.props.title ?? d.path, series: [], spec: null, logScale: null, notes: [...notes, err.message] });
      }
    }
    const revisions: PageRevision[] = revs.map((r) => ({ label: r.label, commit: r.commit, subject: r.message?.split('\n')[0], time: r.time, color: colors[r.label] }));
    const result: PlotsResult = { revisions, plots: out, errors };
    if (!o.json) {
      const dir = path.resolve(ctx.cwd, o.out ?? 'dvd_plots');
      const page: PagePlot[] = out.map((p, i) => ({
        id: `plot-${i + 1}`,
        title: p.title,
        path: p.path,
        caption: p.spec ? `x: ${p.x} · y: ${p.y!.join(', ')}${p.template !== 'linear' ? ` · ${p.template}` : ''}` : '',
        series: p.series,
        spec: p.spec,
        logScale: p.logScale,
        notes: p.notes,
      }));
      const title = revs.length === 1 ? `Plots at ${revs[0].label}` : `Plots: ${revs.map((r) => r.label).join(' vs ')}`;
      ignoreOwnFolder(dir);
      result.file = path.join(dir, 'index.html');
      writeFileAtomic(result.file, renderPlotsPage({ title, revisions, plots: page, libraries: chartLibrary(), made: new Date().toISOString(), command: o.command ?? 'dvd plots diff' }));
    }
    return result;
  } finally {
    h.reader.save();
  }
}

/**
 * Make the page's folder if needed and keep it out of Git with a `.gitignore` of `*` in
 * it (as pytest does for its cache): the page is generated, ~850 KB, and `git add -A` or
 * an experiment would take it in. Only a folder dvd makes now, or one that holds nothing
 * but an earlier page (index.html), gets one: `-o docs` must not hide a user's files.
 */
function ignoreOwnFolder(dir: string): void {
  let entries: string[] | null = null;
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dir, { recursive: true });
  if (entries === null || entries.every((f) => f === 'index.html')) {
    writeFileAtomic(path.join(dir, '.gitignore'), '# Made by dvd plots: this folder is a generated page, kept out of Git.\n*\n');
  }
}
