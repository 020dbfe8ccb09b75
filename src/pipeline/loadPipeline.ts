import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { expandStages, repoPathOf } from './expandStages.js';
import { DVD_YAML, parseDvdYaml } from './parseDvdYaml.js';
import { readParamsFile } from './readParamsFile.js';
import type { ParamValue, Pipeline } from './stage.js';
import { parseCacheFor, type ParseCache } from './yamlSource.js';

/** True when the repository at `root` has a dvd.yaml. */
export function hasPipeline(root: string): boolean {
  return fs.existsSync(path.join(root, DVD_YAML));
}

/**
 * Read `<root>/dvd.yaml` and its params files and return the expanded, resolved stages
 * and the artifacts; null when there is no dvd.yaml. dvd.yaml lives at the repository
 * root (wdir and every path in it are relative to that folder). Throws EPIPELINE on bad
 * input (see parseDvdYaml and expandStages).
 */
export function loadPipeline(root: string): Pipeline | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, DVD_YAML), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  const cache = parseCacheFor(root);
  return pipelineFromText(text, (rel) => readParamsFile(path.join(root, rel), rel, cache), cache);
}

/** The same from text (a revision's dvd.yaml, a test), with params files read through `readParams`. */
export function pipelineFromText(text: string, readParams: (repoPath: string) => Record<string, ParamValue> | null, cache?: ParseCache): Pipeline {
  const doc = parseDvdYaml(text, DVD_YAML, cache);
  const memo = new Map<string, Record<string, ParamValue> | null>();
  const cached = (rel: string) => {
    if (!memo.has(rel)) memo.set(rel, readParams(rel));
    return memo.get(rel)!;
  };
  const stages = expandStages(doc, { readParams: cached });
  const artifacts = doc.artifacts.map((a) => ({
    ...a,
    path: repoPathOf('', a.path, { file: doc.source.file, line: () => doc.source.lineOf(['artifacts', a.name, 'path']), stage: `artifact ${a.name}`, field: 'path' }),
  }));
  return { stages, artifacts };
}
