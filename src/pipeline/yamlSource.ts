import type { Document, Node } from 'yaml';
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

/** Parse YAML text; syntax errors and duplicate keys become EPIPELINE errors naming file and line. */
export function parseYamlSource(text: string, file: string): YamlSource {
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
