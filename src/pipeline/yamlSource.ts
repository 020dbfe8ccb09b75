import fs from 'node:fs';
import path from 'node:path';
import type { Document, Node } from 'yaml';
import { isErrno } from '../core/errors.js';
import { hashBuffer } from '../core/hashFile.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { DVD_DIR } from '../core/repo.js';
import { yamlModule } from './lazyModules.js';
import { pipelineError } from './pipelineError.js';

/**
 * A parsed YAML file that remembers where each value came from, so validation errors can
 * name the line. `value` is the plain JS data (YAML 1.2 core schema: no dates, no
 * `yes`/`no` booleans); `lineOf(path)` is the 1-based line of the value (or, with
 * `key`, of the key) at a path of map keys and list indexes.
 */
export interface YamlSource {
  file: string;
  value: unknown;
  lineOf(path: (string | number)[], key?: boolean): number | undefined;
}

/**
 * Where parsed values of workspace files are kept between commands (`.dvd/state`). The
 * `yaml` package parses a 200-stage dvd.lock in ~250 ms here, and loading it costs
 * ~100 ms more; `repro --dry` over 200 stages must answer in under a second, so a file
 * whose bytes did not change is read back as JSON (~1 ms) and `yaml` is not even loaded.
 * Lines are only needed for error messages, and then the text is parsed for real.
 */
export interface ParseCache {
  dir: string;
}

/** The parse cache of the repository at `root`. */
export function parseCacheFor(root: string): ParseCache {
  return { dir: path.join(root, DVD_DIR, 'state') };
}

/** Parse YAML text; syntax errors and duplicate keys become EPIPELINE errors naming file and line. */
export function parseYamlSource(text: string, file: string, cache?: ParseCache): YamlSource {
  const sha = cache ? hashBuffer(text) : '';
  const entry = cache ? path.join(cache.dir, `parsed-${hashBuffer(file).slice(0, 16)}.json`) : '';
  if (cache) {
    const hit = readCached(entry, sha);
    if (hit !== undefined) {
      let parsed: YamlSource | null = null;
      return { file, value: hit, lineOf: (p, key) => (parsed ??= parseNow(text, file)).lineOf(p, key) };
    }
  }
  const src = parseNow(text, file);
  if (cache && jsonSafe(src.value)) {
    try {
      fs.mkdirSync(cache.dir, { recursive: true });
      writeFileAtomic(entry, JSON.stringify({ sha, value: src.value }));
    } catch (err) {
      // A read-only .dvd only loses the speed-up.
      if (!isErrno(err, 'EACCES') && !isErrno(err, 'EROFS') && !isErrno(err, 'ENOENT')) throw err;
    }
  }
  return src;
}

function readCached(entry: string, sha: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(entry, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    const j = JSON.parse(text) as { sha?: string; value?: unknown };
    return j.sha === sha ? j.value : undefined;
  } catch {
    return undefined; // damaged: parse again (and rewrite it)
  }
}

/** True when JSON keeps the value exactly (no .inf/.nan, no -0). */
function jsonSafe(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === 'object' && v !== null) return Object.values(v).every(jsonSafe);
  return true;
}

function parseNow(text: string, file: string): YamlSource {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yamlModule();
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, schema: 'core' });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = lc.linePos(e.pos[0]).line;
    throw pipelineError({ file, line }, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const lineOf = (path: (string | number)[], key = false): number | undefined => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const step of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return undefined;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
      } else {
        return undefined;
      }
    }
    const target = key && keyNode ? keyNode : (node as Node | undefined);
    const at = target?.range?.[0];
    return at === undefined ? undefined : lc.linePos(at).line;
  };
  return { file, value, lineOf };
}
