import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { findPointers } from '../core/findPointers.js';
import { usageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { buildDag } from '../pipeline/buildDag.js';
import { pipelineFromText } from '../pipeline/loadPipeline.js';
import { DVD_YAML, NAME_RE } from '../pipeline/parseDvdYaml.js';
import { pipelineError } from '../pipeline/pipelineError.js';
import { readParamsFile } from '../pipeline/readParamsFile.js';
import { yamlModule } from '../pipeline/lazyModules.js';
import { openRepo, type ApiContext } from './context.js';
import { recordInGit } from './gitFiles.js';

export interface StageAddOptions {
  name: string;
  /** The command: one string, run through the shell. */
  cmd: string;
  deps?: string[];
  outs?: string[];
  /** Outputs committed to Git instead of the cache (-O). */
  outsNoCache?: string[];
  /** `-p [FILE:]KEY,...` values as typed. */
  params?: string[];
  /** Metrics files committed to Git (-M). */
  metricsNoCache?: string[];
  plots?: string[];
  wdir?: string;
  /** Replace a stage of that name. */
  force?: boolean;
}

export interface StageAddResult {
  name: string;
  /** True when an existing stage was replaced (-f). */
  replaced: boolean;
  /** Files to commit with Git; empty without Git (recordInGit). */
  gitFiles: string[];
  /** They were staged (core.autostage). */
  staged: boolean;
}

/** `-p train.lr,train.epochs` -> ['train.lr', ...]; `-p cfg.json:a,b` -> {cfg.json: [a, b]}; `-p cfg.json:` -> {cfg.json: null}. */
export function parseParamsOption(values: string[]): (string | Record<string, string[] | null>)[] {
  const out: (string | Record<string, string[] | null>)[] = [];
  for (const v of values) {
    const colon = v.lastIndexOf(':');
    const file = colon === -1 ? null : v.slice(0, colon);
    const keys = (colon === -1 ? v : v.slice(colon + 1)).split(',').map((k) => k.trim()).filter(Boolean);
    if (file === null) {
      if (keys.length === 0) throw usageError(`-p ${JSON.stringify(v)}: name at least one key`);
      out.push(...keys);
    } else {
      if (file === '') throw usageError(`-p ${JSON.stringify(v)}: empty file name before ':'`);
      out.push({ [file]: keys.length ? keys : null });
    }
  }
  return out;
}

/**
 * Append a stage to dvd.yaml (created if needed), keeping the rest of the file as written
 * (comments too). Refuses a name that exists unless `force`, and refuses anything the
 * whole pipeline would refuse (outputs shared with another stage or overlapping a `.dvd`
 * target, cycles, unknown params keys): the file is written only if the result loads.
 * dvd.yaml is then recorded in Git as every command records its files (recordInGit).
 */
export async function stageAdd(ctx: ApiContext, o: StageAddOptions): Promise<StageAddResult> {
  const { repo, config } = openRepo(ctx);
  if (!NAME_RE.test(o.name)) throw usageError(`bad stage name ${JSON.stringify(o.name)}: use letters, digits, '_', '.' and '-'`);
  if (o.cmd.trim() === '') throw usageError('no command given', 'put it after --: dvd stage add -n NAME -d DEP -o OUT -- python train.py');
  const file = path.join(repo.root, DVD_YAML);
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const doc = yamlModule().parseDocument(text === '' ? 'stages: {}\n' : text);
  if (doc.errors.length) throw pipelineError({ file: DVD_YAML }, `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (!doc.has('stages') || doc.get('stages') === null) doc.set('stages', doc.createNode({}));
  const replaced = doc.hasIn(['stages', o.name]);
  if (replaced && !o.force) {
    throw pipelineError({ file: DVD_YAML, stage: o.name }, 'already exists', 'pass -f to replace it');
  }
  const stage: Record<string, unknown> = { cmd: o.cmd };
  if (o.wdir) stage.wdir = o.wdir;
  if (o.deps?.length) stage.deps = o.deps;
  if (o.params?.length) stage.params = parseParamsOption(o.params);
  const outs = [...(o.outs ?? []), ...(o.outsNoCache ?? []).map((p) => ({ [p]: { cache: false } }))];
  if (outs.length) stage.outs = outs;
  if (o.metricsNoCache?.length) stage.metrics = o.metricsNoCache.map((p) => ({ [p]: { cache: false } }));
  if (o.plots?.length) stage.plots = o.plots;
  const stages = doc.get('stages') as { flow?: boolean } | null;
  if (stages && typeof stages === 'object') stages.flow = false;
  doc.setIn(['stages', o.name], doc.createNode(stage));
  const next = doc.toString({ lineWidth: 0 });
  // Validate the result as a whole before writing anything.
  const pipeline = pipelineFromText(next, (rel) => readParamsFile(path.join(repo.root, rel), rel));
  // Unreadable pointers are reported by the commands that work on data; their targets are unknown here.
  buildDag(pipeline.stages, findPointers(repo.root, repo.root, []).refs.map((p) => p.target));
  writeFileAtomic(file, next);
  return { name: o.name, replaced, ...(await recordInGit(repo.root, config, [DVD_YAML])) };
}
