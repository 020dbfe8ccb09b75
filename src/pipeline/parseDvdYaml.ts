import { levenshteinModule } from './lazyModules.js';
import { pipelineError, type Line } from './pipelineError.js';
import type { Artifact } from './stage.js';
import { parseYamlSource, type ParseCache, type YamlSource } from './yamlSource.js';

// Structural validation of dvd.yaml, before any `${...}` is substituted. The same rules
// are published as a JSON Schema (schema/dvd.schema.json, checked against this parser by
// test/pipeline-schema.test.ts); the parser checks them by hand so every message names
// the line, the stage and the field, and suggests the key the user probably meant.

export const DVD_YAML = 'dvd.yaml';

/** An entry of outs/metrics/plots as written: a path and its properties. */
export interface RawOut {
  path: string;
  props: Record<string, unknown>;
}

/** A params entry as written: keys of the default file, or a file with keys or null (all). */
export type RawParams = { file: null; keys: string[] } | { file: string; keys: string[] | null };

/** A stage body as written (strings may still hold `${...}`). */
export interface RawStage {
  cmd: string[];
  wdir?: string;
  deps: string[];
  params: RawParams[];
  outs: RawOut[];
  metrics: RawOut[];
  plots: RawOut[];
  frozen: boolean;
  always_changed: boolean;
  desc?: string;
}

/** A stage of dvd.yaml before expansion; foreach/matrix stages expand to `name@key`. */
export interface StageTemplate {
  name: string;
  line?: Line;
  foreach?: unknown;
  matrix?: Record<string, unknown>;
  body: RawStage;
}

export interface DvdYaml {
  stages: StageTemplate[];
  artifacts: Artifact[];
  source: YamlSource;
}

const TOP_KEYS = ['stages', 'artifacts'];
const STAGE_KEYS = ['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta'];
const OUT_PROPS = ['cache', 'persist', 'desc', 'remote', 'push'];
const PLOT_PROPS = [...OUT_PROPS, 'x', 'y', 'template', 'title', 'x_label', 'y_label'];
const ARTIFACT_KEYS = ['path', 'type', 'desc', 'labels', 'meta'];

/** Stage and artifact names: no '@' (reserved for foreach items), ':' or '/'. */
export const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** " (did you mean deps?)" when `key` is a near miss of one of `known`, else "". */
export function didYouMean(key: string, known: string[]): string {
  if (known.length === 0) return '';
  const { closest, distance } = levenshteinModule();
  const best = closest(key, known);
  const d = distance(key, best);
  return d <= Math.max(2, Math.floor(best.length / 3)) || best.startsWith(key) ? ` (did you mean ${best}?)` : '';
}

/** Parse and validate dvd.yaml text. Throws EPIPELINE naming file, line, stage and field. */
export function parseDvdYaml(text: string, file = DVD_YAML, cache?: ParseCache): DvdYaml {
  const src = parseYamlSource(text, file, cache);
  const top = src.value ?? {};
  if (!isMap(top)) throw pipelineError({ file, line: 1 }, 'must be a map with a "stages:" key');
  for (const k of Object.keys(top)) {
    if (!TOP_KEYS.includes(k)) throw pipelineError({ file, line: src.lineOf([k], true) }, `unknown top-level key "${k}"${didYouMean(k, TOP_KEYS)}`, 'dvd.yaml holds stages: and artifacts:');
  }
  const stages: StageTemplate[] = [];
  const rawStages = top.stages ?? {};
  if (!isMap(rawStages)) throw pipelineError({ file, line: src.lineOf(['stages']), field: 'stages' }, 'must be a map of stage names to stages');
  for (const [name, def] of Object.entries(rawStages)) stages.push(parseTemplate(src, name, def));
  const artifacts: Artifact[] = [];
  const rawArtifacts = top.artifacts ?? {};
  if (!isMap(rawArtifacts)) throw pipelineError({ file, line: src.lineOf(['artifacts']), field: 'artifacts' }, 'must be a map of artifact names');
  for (const [name, def] of Object.entries(rawArtifacts)) artifacts.push(parseArtifact(src, name, def));
  return { stages, artifacts, source: src };
}

function parseTemplate(src: YamlSource, name: string, def: unknown): StageTemplate {
  const { file } = src;
  const line = () => src.lineOf(['stages', name], true);
  if (!NAME_RE.test(name)) {
    throw pipelineError({ file, line }, `bad stage name ${JSON.stringify(name)}: use letters, digits, '_', '.' and '-' ('@' is for foreach items)`);
  }
  if (!isMap(def)) throw pipelineError({ file, line, stage: name }, 'must be a map (with cmd:, deps:, outs: ...)');
  const at = (...p: (string | number)[]) => src.lineOf(['stages', name, ...p]);
  if ('foreach' in def) {
    for (const k of Object.keys(def)) {
      if (k !== 'foreach' && k !== 'do') {
        throw pipelineError({ file, line: src.lineOf(['stages', name, k], true) }, `unknown key "${k}" in stage ${name} (a foreach stage has only foreach: and do:)${didYouMean(k, ['do'])}`);
      }
    }
    if (!('do' in def)) throw pipelineError({ file, line, stage: name, field: 'do' }, 'missing (foreach needs a do: body)');
    const each = def.foreach;
    if (!Array.isArray(each) && !isMap(each) && typeof each !== 'string') {
      throw pipelineError({ file, line: at('foreach'), stage: name, field: 'foreach' }, 'must be a list, a map, or a ${...} naming one');
    }
    return { name, line, foreach: each, body: parseBody(src, name, def.do, ['stages', name, 'do']) };
  }
  if ('do' in def) throw pipelineError({ file, line: src.lineOf(['stages', name, 'do'], true), stage: name, field: 'do' }, 'only allowed with foreach:');
  let matrix: Record<string, unknown> | undefined;
  if ('matrix' in def) {
    const m = def.matrix;
    if (!isMap(m) || Object.keys(m).length === 0) throw pipelineError({ file, line: at('matrix'), stage: name, field: 'matrix' }, 'must be a map of names to lists');
    for (const [k, v] of Object.entries(m)) {
      if (!Array.isArray(v) && typeof v !== 'string') throw pipelineError({ file, line: at('matrix', k), stage: name, field: `matrix.${k}` }, 'must be a list (or a ${...} naming one)');
      if (Array.isArray(v) && v.length === 0) throw pipelineError({ file, line: at('matrix', k), stage: name, field: `matrix.${k}` }, 'is empty');
    }
    matrix = m;
  }
  const body = { ...def };
  delete body.matrix;
  return { name, line, matrix, body: parseBody(src, name, body, ['stages', name]) };
}

function parseBody(src: YamlSource, stage: string, def: unknown, at: (string | number)[]): RawStage {
  const { file } = src;
  if (!isMap(def)) throw pipelineError({ file, line: src.lineOf(at), stage }, 'must be a map (with cmd:, deps:, outs: ...)');
  for (const k of Object.keys(def)) {
    if (!STAGE_KEYS.includes(k)) throw pipelineError({ file, line: src.lineOf([...at, k], true) }, `unknown key "${k}" in stage ${stage}${didYouMean(k, STAGE_KEYS)}`);
  }
  const fail = (field: string, msg: string, ...p: (string | number)[]) => pipelineError({ file, line: src.lineOf([...at, field, ...p]), stage, field }, msg);
  let cmd: string[];
  if (typeof def.cmd === 'string') cmd = [def.cmd];
  else if (Array.isArray(def.cmd) && def.cmd.length > 0 && def.cmd.every((c) => typeof c === 'string')) cmd = def.cmd as string[];
  else if (def.cmd === undefined) throw pipelineError({ file, line: src.lineOf(at, false), stage, field: 'cmd' }, 'missing (the command to run)');
  else throw fail('cmd', 'must be a string or a non-empty list of strings');
  if (cmd.some((c) => c.trim() === '')) throw fail('cmd', 'empty command');
  const body: RawStage = { cmd, deps: [], params: [], outs: [], metrics: [], plots: [], frozen: false, always_changed: false };
  if (def.wdir !== undefined) {
    if (typeof def.wdir !== 'string' || def.wdir === '') throw fail('wdir', 'must be a folder path (relative to dvd.yaml)');
    body.wdir = def.wdir;
  }
  if (def.deps !== undefined) {
    if (!Array.isArray(def.deps)) throw fail('deps', 'must be a list of paths');
    def.deps.forEach((d, i) => {
      if (typeof d !== 'string' || d === '') throw fail('deps', `item ${i + 1} must be a path`, i);
      body.deps.push(d);
    });
  }
  if (def.params !== undefined) {
    if (!Array.isArray(def.params)) throw fail('params', 'must be a list: keys of params.yaml, or {FILE: [keys]}, or {FILE: null} for all keys');
    def.params.forEach((p, i) => {
      if (typeof p === 'string' && p !== '') body.params.push({ file: null, keys: [p] });
      else if (isMap(p)) {
        for (const [f, keys] of Object.entries(p)) {
          if (keys === null) body.params.push({ file: f, keys: null });
          else if (Array.isArray(keys) && keys.every((k) => typeof k === 'string' && k !== '')) body.params.push({ file: f, keys: keys as string[] });
          else throw fail('params', `${f}: must be a list of keys, or null for all keys`, i, f);
        }
      } else throw fail('params', `item ${i + 1} must be a key or {FILE: [keys]}`, i);
    });
  }
  for (const kind of ['outs', 'metrics', 'plots'] as const) {
    const list = def[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw fail(kind, 'must be a list of paths (or {path: {cache: false}})');
    const allowed = kind === 'plots' ? PLOT_PROPS : OUT_PROPS;
    list.forEach((o, i) => {
      if (typeof o === 'string' && o !== '') {
        body[kind].push({ path: o, props: {} });
        return;
      }
      if (!isMap(o) || Object.keys(o).length !== 1) throw fail(kind, `item ${i + 1} must be a path or {path: {cache: false}}`, i);
      const [p, props] = Object.entries(o)[0];
      const pr = props ?? {};
      if (!isMap(pr)) throw fail(kind, `${p}: properties must be a map like {cache: false}`, i, p);
      for (const k of Object.keys(pr)) {
        if (!allowed.includes(k)) throw pipelineError({ file, line: src.lineOf([...at, kind, i, p, k], true) }, `unknown key "${k}" in ${kind} ${p} of stage ${stage}${didYouMean(k, allowed)}`);
      }
      for (const k of ['cache', 'persist', 'push'] as const) {
        if (pr[k] !== undefined && typeof pr[k] !== 'boolean') throw fail(kind, `${p}: ${k} must be true or false`, i, p, k);
      }
      body[kind].push({ path: p, props: pr });
    });
  }
  for (const k of ['frozen', 'always_changed'] as const) {
    if (def[k] !== undefined) {
      if (typeof def[k] !== 'boolean') throw fail(k, 'must be true or false');
      body[k] = def[k] as boolean;
    }
  }
  if (def.desc !== undefined) {
    if (typeof def.desc !== 'string') throw fail('desc', 'must be a string');
    body.desc = def.desc;
  }
  return body;
}

function parseArtifact(src: YamlSource, name: string, def: unknown): Artifact {
  const { file } = src;
  const line = () => src.lineOf(['artifacts', name], true);
  const where = { file, line, stage: undefined, field: `artifacts.${name}` };
  if (!NAME_RE.test(name)) throw pipelineError(where, 'bad artifact name: use letters, digits, \'_\', \'.\' and \'-\'');
  if (!isMap(def)) throw pipelineError(where, 'must be a map with path:');
  for (const k of Object.keys(def)) {
    if (!ARTIFACT_KEYS.includes(k)) throw pipelineError({ file, line: src.lineOf(['artifacts', name, k], true) }, `unknown key "${k}" in artifact ${name}${didYouMean(k, ARTIFACT_KEYS)}`);
  }
  if (typeof def.path !== 'string' || def.path === '') throw pipelineError(where, 'path: missing (the file or folder this artifact is)');
  for (const k of ['type', 'desc'] as const) if (def[k] !== undefined && typeof def[k] !== 'string') throw pipelineError(where, `${k}: must be a string`);
  const labels = def.labels ?? [];
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw pipelineError(where, 'labels: must be a list of strings');
  return { name, path: def.path, type: def.type as string | undefined, desc: def.desc as string | undefined, labels: labels as string[], meta: def.meta };
}
