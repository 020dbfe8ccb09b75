import type { ChartLibrary } from './chartLibrary.js';

export interface PageRevision {
  label: string;
  /** null for the workspace. */
  commit: string | null;
  subject?: string;
  /** Committer time, seconds. */
  time?: number;
  color: string;
}

export interface PagePlot {
  /** Element id, unique in the page. */
  id: string;
  title: string;
  path: string;
  /** `x: step · y: loss · linear` */
  caption: string;
  series: string[];
  /** Vega-Lite spec, or null when nothing could be drawn (see notes). */
  spec: Record<string, unknown> | null;
  /** Offer a switch to this y scale (a loss falling from 20 to 0.1 is flat on a linear axis). */
  logScale: 'log' | 'symlog' | null;
  /** Revisions without the file, files that could not be read. */
  notes: string[];
}

export interface PageInput {
  title: string;
  revisions: PageRevision[];
  plots: PagePlot[];
  libraries: ChartLibrary[];
  /** When the page was made, ISO. */
  made: string;
  command: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Text placed inside <script>: nothing in it may close the element. */
const inScript = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
/** JSON inside <script>: `<` as \u003c keeps `</script>` and `<!--` out, and it stays the same value. */
const jsonInScript = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --warn: #d29922; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { padding: 24px 32px 8px; }
h1 { font-size: 22px; margin: 0 0 4px; font-weight: 600; }
.sub { color: var(--muted); margin: 0 0 14px; }
.revs { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.rev { display: flex; align-items: center; gap: 8px; background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 4px 12px 4px 8px; max-width: 100%; }
.swatch { width: 12px; height: 12px; border-radius: 50%; flex: none; }
.rev b { font-weight: 600; }
.rev code, .path { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); }
.rev .subject { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 28em; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 20px; padding: 16px 32px 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px 10px; min-width: 0; }
.card .head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; }
.card h2 { font-size: 16px; margin: 0; font-weight: 600; }
.scale { color: var(--muted); font-size: 12px; white-space: nowrap; cursor: pointer; user-select: none; }
.scale input { vertical-align: -2px; margin: 0 4px 0 0; }
.card .path { margin: 2px 0 10px; }
.chart { width: 100%; min-height: 60px; }
.chart.failed, .note { color: var(--warn); font-size: 13px; }
.note { margin: 6px 0 0; }
.empty { padding: 24px 32px; color: var(--muted); }
footer { color: var(--muted); font-size: 12px; padding: 8px 32px 24px; }
.vega-embed { width: 100%; }
.vega-embed summary { opacity: 0.4; } .vega-embed:hover summary { opacity: 1; }
`;

const CONFIG = {
  background: 'transparent',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridOpacity: 0.6 },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 500, symbolStrokeWidth: 2.5 },
};

/**
 * The plots page: one self-contained HTML document. The revisions, each with its colour,
 * head the page; every plot is a card with its title, file and axes, drawn by
 * vega-embed into SVG from a Vega-Lite spec, with a note for revisions that lack the
 * file. The charting library is inlined (see chartLibrary.ts), so opening the page needs
 * no network. A line or scatter chart has a "log scale" switch (re-drawn with its y on
 * a log, or symlog, scale). For tests and curious users, `window.dvdPlots` lists each
 * drawn chart (`{id, path, series, view}`, the Vega view) once `window.dvdPlotsReady`
 * resolves.
 */
export function renderPlotsPage(p: PageInput): string {
  const when = (t?: number) => (t ? new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ') : '');
  const revs = p.revisions
    .map((r) => {
      const detail = r.commit === null ? '<span class="subject">uncommitted</span>' : `<code>${esc(r.commit.slice(0, 8))}</code>${r.subject ? ` <span class="subject" title="${esc(r.subject)}">${esc(r.subject)}</span>` : ''}${r.time ? ` <code>${esc(when(r.time))}</code>` : ''}`;
      return `<li class="rev"><span class="swatch" style="background:${esc(r.color)}"></span><b>${esc(r.label)}</b>${detail}</li>`;
    })
    .join('\n');
  const cards = p.plots
    .map(
      (pl) => `<section class="card" id="card-${esc(pl.id)}">
<div class="head"><h2>${esc(pl.title)}</h2>${pl.spec && pl.logScale ? `<label class="scale"><input type="checkbox" data-plot="${esc(pl.id)}"> log scale</label>` : ''}</div>
<div class="path">${esc(pl.path)}${pl.caption ? ` · ${esc(pl.caption)}` : ''}</div>
<div class="chart" id="${esc(pl.id)}"></div>
${pl.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
</section>`,
    )
    .join('\n');
  const drawn = p.plots.filter((pl) => pl.spec !== null).map((pl) => ({ id: pl.id, path: pl.path, series: pl.series, spec: pl.spec, logScale: pl.logScale }));
  const libs = p.libraries.map((l) => `<script>/* ${l.name} ${l.version} */\n${inScript(l.source)}\n</script>`).join('\n');
  const versions = p.libraries.map((l) => `${l.name} ${l.version}`).join(', ');
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${STYLE}</style>
${libs}
</head>
<body>
<header>
<h1>${esc(p.title)}</h1>
<p class="sub">${n(p.plots.length, 'plot')} · ${n(p.revisions.length, 'revision')}, overlaid by colour · hover a line chart for every value at one x</p>
<ul class="revs">
${revs}
</ul>
</header>
${p.plots.length ? `<main>\n${cards}\n</main>` : '<p class="empty">No plots: no stage declares plots files (plots: in dvd.yaml), or none exists at these revisions.</p>'}
<footer>Made by <code>${esc(p.command)}</code> at ${esc(p.made.slice(0, 16).replace('T', ' '))} UTC. Self-contained (${esc(versions)} inlined): it opens without a network.</footer>
<script>
(function () {
  var PLOTS = ${jsonInScript(drawn)};
  var CONFIG = ${jsonInScript(CONFIG)};
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  window.dvdPlots = [];
  window.dvdPlotErrors = [];
  // The spec with every y encoding of the values on scale type t (null: as built).
  function yScale(spec, t) {
    var copy = JSON.parse(JSON.stringify(spec));
    (function walk(o) {
      if (!o || typeof o !== 'object') return;
      if (o.y && o.y.field === 'value' && t) {
        o.y.scale = Object.assign({}, o.y.scale, { type: t });
        delete o.y.scale.zero; // meaningless on a log scale (Vega-Lite warns)
      }
      for (var k in o) if (k !== 'data') walk(o[k]);
    })(copy);
    return copy;
  }
  function draw(p, i, scaleType) {
    var el = document.getElementById(p.id);
    if (window.dvdPlots[i]) window.dvdPlots[i].view.finalize();
    return vegaEmbed(el, yScale(p.spec, scaleType), {
      mode: 'vega-lite', renderer: 'svg', theme: dark ? 'dark' : undefined, config: CONFIG,
      actions: { export: true, source: false, compiled: false, editor: false }, downloadFileName: p.id
    }).then(function (r) {
      window.dvdPlots[i] = { id: p.id, path: p.path, series: p.series, view: r.view };
    }, function (e) {
      el.className += ' failed';
      el.textContent = 'This chart could not be drawn: ' + e.message;
      window.dvdPlotErrors.push({ id: p.id, message: String(e.message) });
    });
  }
  window.dvdPlotsReady = Promise.all(PLOTS.map(function (p, i) { return draw(p, i, null); }));
  PLOTS.forEach(function (p, i) {
    var box = document.querySelector('input[data-plot="' + p.id + '"]');
    if (box) box.addEventListener('change', function () { window.dvdPlotsReady = draw(p, i, box.checked ? p.logScale : null); });
  });
})();
</script>
</body>
</html>
`;
}
