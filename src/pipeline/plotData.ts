import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { yamlModule } from './lazyModules.js';

/** One row of a plots file: field -> number or text. */
export type PlotRow = Record<string, number | string | boolean | null>;

export interface PlotTable {
  rows: PlotRow[];
  /** Field names in the file's order (CSV header, first object's keys). */
  fields: string[];
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const bad = (label: string, why: string) => new DvdError('EPLOTS', `${label}: ${why}`, { data: { file: label } });

/**
 * The rows of a plots file, by extension: `.csv` and `.tsv` (a header line, then values;
 * numbers become numbers; parsed by d3-dsv, which handles quoting), `.json`, and YAML
 * otherwise (`.yaml`, `.yml`): a list of objects, or an object holding one (DVC's
 * `{"train": [{...}]}`: the first list of objects). Throws EPLOTS naming `label`
 * (`REV:path`) when the text is not such a table.
 */
export async function parsePlotData(text: string, label: string): Promise<PlotTable> {
  const ext = path.extname(label).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    const { csvParse, tsvParse } = await import('d3-dsv');
    const parsed = (ext === '.csv' ? csvParse : tsvParse)(text);
    const fields = parsed.columns.filter((c) => c !== '');
    if (fields.length === 0) throw bad(label, 'no header line');
    const rows = parsed.map((r) => {
      const out: PlotRow = {};
      for (const f of fields) {
        const v = r[f] ?? '';
        out[f] = NUMBER_RE.test(v.trim()) ? Number(v) : v;
      }
      return out;
    });
    return { rows, fields };
  }
  let data: unknown;
  if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw bad(label, `not valid JSON: ${(err as Error).message}`);
    }
  } else {
    try {
      data = yamlModule().parse(text, { schema: 'core', uniqueKeys: true }) ?? [];
    } catch (err) {
      throw bad(label, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const list = Array.isArray(data) ? data : isObj(data) ? Object.values(data).find((v) => Array.isArray(v) && v.every(isObj)) : undefined;
  if (!Array.isArray(list) || !list.every(isObj)) throw bad(label, 'expected a list of objects (or an object holding one)');
  const fields: string[] = [];
  const rows = list.map((o) => {
    const out: PlotRow = {};
    for (const [k, v] of Object.entries(o)) {
      if (!fields.includes(k)) fields.push(k);
      out[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : JSON.stringify(v);
    }
    return out;
  });
  return { rows, fields };
}
