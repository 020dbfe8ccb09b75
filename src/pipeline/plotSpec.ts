import { DvdError } from '../core/errors.js';
import type { PlotTable } from './plotData.js';
import type { PlotProps } from './stage.js';

/** The templates dvd draws (DVC's names); `linear` unless `template:` says otherwise. */
export const TEMPLATES = ['linear', 'simple', 'scatter', 'smooth', 'bar_horizontal', 'confusion', 'confusion_normalized'] as const;
export type Template = (typeof TEMPLATES)[number];

export interface PlotInput {
  /** Repo path of the plots file. */
  path: string;
  props: PlotProps;
  /** The file's rows at each revision that has it, in page order. */
  tables: { rev: string; table: PlotTable }[];
  /** Each revision's colour, the same on every chart of a page. */
  colors: Record<string, string>;
}

export interface BuiltPlot {
  title: string;
  template: Template;
  x: string;
  y: string[];
  /** What is drawn: one series per revision and y field (`rev` alone when there is one y). */
  series: string[];
  /** A Vega-Lite spec with its data inline. */
  spec: Record<string, unknown>;
  /**
   * The y scale that shows the whole curve when early values dwarf the rest (a loss
   * falling from 20 to 0.1): `log` when every value is positive, else `symlog`; null for
   * charts that have no such axis (bars from zero, confusion matrices).
   */
  logScale: 'log' | 'symlog' | null;
}

/** Field names holding `.`, `[` or `]` must be escaped in Vega-Lite field references. */
const field = (name: string) => name.replace(/[.[\]\\]/g, '\\$&');

const fail = (path: string, why: string) => new DvdError('EPLOTS', `${path}: ${why}`, { data: { file: path } });

/**
 * A Vega-Lite spec drawing plots file `path` at every revision given, overlaid: x and y
 * from `x:`/`y:` in dvd.yaml (x defaults to the row number, `step`, as in DVC; y to the
 * last field that is not x), colour by revision, dashes by y field when there are
 * several. Line charts get a hover rule with every series' value at that x. Throws
 * EPLOTS for an unknown template or an x/y field no revision's file has.
 */
export function buildPlotSpec(p: PlotInput): BuiltPlot {
  const template = (p.props.template ?? 'linear') as Template;
  if (!TEMPLATES.includes(template)) throw fail(p.path, `unknown template ${JSON.stringify(p.props.template)} (dvd draws ${TEMPLATES.join(', ')})`);
  const allFields = [...new Set(p.tables.flatMap((t) => t.table.fields))];
  const x = p.props.x ?? 'step';
  const xFromIndex = p.props.x === undefined && !allFields.includes('step');
  const ys = p.props.y === undefined ? allFields.filter((f) => f !== x).slice(-1) : Array.isArray(p.props.y) ? p.props.y : [p.props.y];
  if (ys.length === 0) throw fail(p.path, 'no field to plot on y (set y: in dvd.yaml)');
  for (const f of [...(xFromIndex ? [] : [x]), ...ys]) {
    if (!allFields.includes(f)) throw fail(p.path, `no field ${JSON.stringify(f)} at ${p.tables.map((t) => t.rev).join(', ')} (fields: ${allFields.join(', ') || 'none'})`);
  }
  const multi = ys.length > 1;
  const seriesOf = (rev: string, y: string) => (multi ? `${rev} · ${y}` : rev);
  const values: Record<string, unknown>[] = [];
  const series: string[] = [];
  for (const { rev, table } of p.tables) {
    for (const y of ys) {
      const s = seriesOf(rev, y);
      let drawn = false;
      table.rows.forEach((row, i) => {
        const v = row[y];
        if (template.startsWith('confusion')) {
          values.push({ x: row[x], y: v, rev, field: y, series: s });
          drawn = true;
        } else if (typeof v === 'number' && Number.isFinite(v)) {
          values.push({ x: xFromIndex ? i : row[x], value: v, rev, field: y, series: s });
          drawn = true;
        }
      });
      if (drawn) series.push(s);
    }
  }
  const xNumeric = values.every((v) => typeof v.x === 'number');
  // Steps and epochs are whole numbers: no 1.2 ticks between them.
  const xWhole = xNumeric && values.every((v) => Number.isInteger(v.x));
  const xTitle = p.props.x_label ?? x;
  const yTitle = p.props.y_label ?? ys.join(', ');
  const title = p.props.title ?? (template.startsWith('confusion') ? `${x} vs ${ys[0]}` : p.props.y === undefined ? p.path : ys.join(', '));
  const revs = p.tables.map((t) => t.rev);
  const color = { field: 'rev', type: 'nominal', title: 'revision', sort: revs, scale: { domain: revs, range: revs.map((r) => p.colors[r]) }, legend: { orient: 'bottom', labelLimit: 260, symbolOpacity: 1 } };
  const dash = multi ? { strokeDash: { field: 'field', type: 'nominal', title: 'y', sort: ys, legend: { orient: 'bottom' } } } : {};
  const xEnc = { field: 'x', type: xNumeric ? 'quantitative' : 'ordinal', title: xTitle, ...(xNumeric ? { scale: { zero: false }, axis: { tickCount: 10, ...(xWhole ? { tickMinStep: 1, format: 'd' } : {}) } } : { sort: null }) };
  const yEnc = { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values }, width: 'container', height: 280, autosize: { type: 'fit-x', contains: 'padding' } };
  let spec: Record<string, unknown>;
  switch (template) {
    case 'scatter':
      spec = { ...base, mark: { type: 'point', filled: true, size: 40, opacity: 0.8, tooltip: true }, encoding: { x: xEnc, y: yEnc, color, ...(multi ? { shape: { field: 'field', type: 'nominal', title: 'y' } } : {}) } };
      break;
    case 'bar_horizontal':
      // A bar per category and revision, 14 px each: the height follows the data. Vega-Lite
      // warns at any fitting (width "container") with such a height, so the width is fixed.
      spec = {
        $schema: base.$schema,
        data: base.data,
        width: 480,
        height: { step: 14 },
        mark: { type: 'bar', tooltip: true },
        encoding: { y: { field: 'x', type: 'nominal', title: xTitle, sort: null }, yOffset: { field: 'series', type: 'nominal', sort: series }, x: { ...yEnc, scale: { zero: true } }, color },
      };
      break;
    case 'confusion':
    case 'confusion_normalized': {
      const normalized = template === 'confusion_normalized';
      const { $schema, data } = base;
      spec = {
        $schema,
        data,
        facet: { column: { field: 'rev', type: 'nominal', title: null, sort: revs } },
        spec: {
          width: 220,
          height: 220,
          transform: [
            { aggregate: [{ op: 'count', as: 'count' }], groupby: ['rev', 'x', 'y'] },
            { joinaggregate: [{ op: 'sum', field: 'count', as: 'total' }], groupby: ['rev', 'x'] },
            { calculate: normalized ? 'datum.count / datum.total' : 'datum.count', as: 'shown' },
          ],
          encoding: { x: { field: 'x', type: 'nominal', title: xTitle }, y: { field: 'y', type: 'nominal', title: p.props.y_label ?? ys[0] } },
          layer: [
            { mark: { type: 'rect', tooltip: true }, encoding: { color: { field: 'shown', type: 'quantitative', title: normalized ? 'share' : 'count', scale: { scheme: 'blues' } } } },
            { mark: { type: 'text', baseline: 'middle' }, encoding: { text: { field: 'shown', type: 'quantitative', format: normalized ? '.2f' : 'd' } } },
          ],
        },
      };
      break;
    }
    default: {
      // linear, simple, smooth: lines; all but simple get the hover rule.
      const lines =
        template === 'smooth'
          ? [
              { mark: { type: 'line', strokeWidth: 1, opacity: 0.3 }, encoding: { x: xEnc, y: yEnc, color, ...dash } },
              { transform: [{ loess: 'value', on: 'x', groupby: ['rev', 'field', 'series'], bandwidth: 0.3 }], mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x: xEnc, y: yEnc, color, ...dash } },
            ]
          : [{ mark: { type: 'line', strokeWidth: 2 }, encoding: { x: xEnc, y: yEnc, color, ...dash } }];
      const hover =
        template === 'simple'
          ? []
          : [
              {
                mark: { type: 'point', filled: true, size: 50 },
                encoding: { x: xEnc, y: yEnc, color, opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 } },
              },
              {
                transform: [{ pivot: 'series', value: 'value', groupby: ['x'] }],
                mark: { type: 'rule', color: '#888', strokeWidth: 1 },
                encoding: {
                  x: xEnc,
                  opacity: { condition: { param: 'hover', empty: false, value: 0.6 }, value: 0 },
                  tooltip: [{ field: 'x', type: xNumeric ? 'quantitative' : 'ordinal', title: xTitle }, ...series.map((s) => ({ field: field(s), type: 'quantitative', title: s, format: '.6~g' }))],
                },
                params: [{ name: 'hover', select: { type: 'point', fields: ['x'], nearest: true, on: 'pointerover', clear: 'pointerout' } }],
              },
            ];
      spec = { ...base, layer: [...lines, ...hover] };
    }
  }
  const logScale = template === 'bar_horizontal' || template.startsWith('confusion') ? null : values.every((v) => (v.value as number) > 0) ? 'log' : 'symlog';
  return { title, template, x: xFromIndex ? 'step' : x, y: ys, series, spec, logScale };
}
