import { flattenParams, parseParamsText, sortedRecord } from './readParamsFile.js';
import type { ParamValue } from './stage.js';

/**
 * A metrics file's values flattened to dotted keys, sorted (`{"eval": {"acc": 0.9}}` ->
 * `{"eval.acc": 0.9}`). The format follows the extension like params files: `.json`,
 * `.toml`, anything else YAML; lists are kept whole as one value. `label` names the file
 * (and revision) in errors; a file that does not parse, or holds no map at its top,
 * throws EPIPELINE naming it. Text in, values out: the caller reads the file from
 * wherever it lives (the workspace, a commit, the cache).
 */
export function parseMetrics(text: string, label: string): Record<string, ParamValue> {
  const data = parseParamsText(text, label, { what: 'a metrics file' });
  return Object.keys(data).length === 0 ? {} : sortedRecord(flattenParams(data, ''));
}
