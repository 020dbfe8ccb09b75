import type { Node } from 'yaml';
import { DvdError } from '../core/errors.js';
import { OID_RE } from '../core/oid.js';
import { yamlModule } from './lazyModules.js';
import { entryNode, parseEntry, type LockEntry } from './lockFile.js';
import type { ParamValue } from './stage.js';
import { parseYamlSource } from './yamlSource.js';

// What made a registered version, written into its tag's message by `dvd artifact
// register` as a small YAML document after the user's message and a `---` line:
//
//   Registering artifact classifier version v1.2.0
//
//   ---
//   lineage: 1
//   artifact: classifier
//   path: model.pkl
//   commit: 3f2a…
//   oid: sha256:…
//   size: 4096
//   stage: train
//   lock:
//     cmd: python train.py --lr 0.01
//     deps:
//     - {path: data/prepared, oid: sha256:…, size: 123, files: 10}
//     params:
//       params.yaml: {train.lr: 0.01}
//     outs:
//     - {path: model.pkl, oid: sha256:…, size: 4096}
//   metrics:
//     metrics.json: {acc: 0.93, loss: 0.12}
//
// `lock` is the stage's dvd.lock entry at the commit, in dvd.lock's own form (the same
// writer and parser). A plain `dvd add`-ed artifact has `pointer:` (its .dvd file) and
// no stage, lock or metrics. Readers ignore keys they do not know, so later versions
// can add some.

export const LINEAGE_VERSION = 1;

export interface Lineage {
  artifact: string;
  /** Repo-relative path of the artifact at the commit. */
  path: string;
  commit: string;
  /** Bare hex SHA-256 of the file, or of the folder's manifest. */
  oid: string;
  size: number;
  /** Folders only. */
  files?: number;
  /** The pointer file when `dvd add` tracks it. */
  pointer?: string;
  /** The stage whose output it is (its entry in dvd.lock). */
  stage?: string;
  lock?: LockEntry;
  /** Metrics file -> dotted key -> value, of the stage's metrics files at the commit. */
  metrics?: Record<string, Record<string, ParamValue>>;
}

const STRINGIFY = { lineWidth: 0, indentSeq: false, singleQuote: true, flowCollectionPadding: false } as const;

/** The lineage document (YAML, byte-stable for equal input). */
export function serializeLineage(l: Lineage): string {
  // yaml on first use (lazyModules.ts): the CLI bundle puts this file in the chunk every command loads.
  const { Document, isMap } = yamlModule();
  const doc = new Document({}, { version: '1.2' });
  const top = doc.contents as unknown as { set(k: string, v: unknown): void };
  top.set('lineage', LINEAGE_VERSION);
  top.set('artifact', l.artifact);
  top.set('path', l.path);
  top.set('commit', l.commit);
  top.set('oid', `sha256:${l.oid}`);
  top.set('size', l.size);
  if (l.files !== undefined) top.set('files', l.files);
  if (l.pointer !== undefined) top.set('pointer', l.pointer);
  if (l.stage !== undefined) top.set('stage', l.stage);
  if (l.lock) top.set('lock', entryNode(doc, l.lock));
  if (l.metrics && Object.keys(l.metrics).length) {
    const m = doc.createNode(Object.fromEntries(Object.keys(l.metrics).sort().map((f) => [f, l.metrics![f]]))) as Node;
    // One line per metrics file, like params in dvd.lock.
    if (isMap(m)) for (const pair of m.items) if (isMap(pair.value)) (pair.value as { flow?: boolean }).flow = true;
    top.set('metrics', m);
  }
  return doc.toString(STRINGIFY);
}

/** A tag message: the user's text, then the lineage document after a `---` line. */
export function lineageMessage(text: string, l: Lineage): string {
  return `${text.trimEnd()}\n\n---\n${serializeLineage(l)}`;
}

/**
 * Split a tag message into the user's text and the lineage YAML (null when the message
 * carries none: a tag made by GTO or by hand). The lineage is after the LAST line that
 * is exactly `---` and starts with `lineage:`.
 */
export function splitTagMessage(message: string): { text: string; lineage: string | null } {
  const lines = message.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trimEnd() !== '---') continue;
    const rest = lines.slice(i + 1).join('\n');
    if (!/^lineage:/.test(rest)) break;
    return { text: lines.slice(0, i).join('\n').trimEnd(), lineage: rest };
  }
  return { text: message.trimEnd(), lineage: null };
}

const isMapV = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse a lineage document; throws EBADLINEAGE naming `label` (the tag) and the field. */
export function parseLineage(text: string, label: string): Lineage {
  const fail = (field: string, msg: string) => new DvdError('EBADLINEAGE', `${label}: lineage ${field}: ${msg}`, { data: { field } });
  let src;
  try {
    src = parseYamlSource(text, label);
  } catch (err) {
    throw new DvdError('EBADLINEAGE', `${label}: lineage: ${(err as Error).message}`);
  }
  const v = src.value;
  if (!isMapV(v)) throw fail('', 'must be a map');
  if (v.lineage !== LINEAGE_VERSION) throw fail('lineage', `unsupported version ${JSON.stringify(v.lineage)} (this dvd reads ${LINEAGE_VERSION})`);
  const str = (k: string, optional = false): string | undefined => {
    if (v[k] === undefined && optional) return undefined;
    if (typeof v[k] !== 'string' || v[k] === '') throw fail(k, 'must be a string');
    return v[k] as string;
  };
  const count = (k: string, optional = false): number | undefined => {
    if (v[k] === undefined && optional) return undefined;
    if (!Number.isSafeInteger(v[k]) || (v[k] as number) < 0) throw fail(k, 'must be a non-negative integer');
    return v[k] as number;
  };
  const oid = /^sha256:(.*)$/.exec(String(v.oid))?.[1];
  if (!oid || !OID_RE.test(oid)) throw fail('oid', `bad oid ${JSON.stringify(v.oid)} (expected sha256:<64 lowercase hex>)`);
  const commit = str('commit')!;
  if (!/^[0-9a-f]{40}$/.test(commit)) throw fail('commit', 'must be a 40-hex commit id');
  const l: Lineage = { artifact: str('artifact')!, path: str('path')!, commit, oid, size: count('size')! };
  const files = count('files', true);
  if (files !== undefined) l.files = files;
  const pointer = str('pointer', true);
  if (pointer !== undefined) l.pointer = pointer;
  const stage = str('stage', true);
  if (stage !== undefined) l.stage = stage;
  if (v.lock !== undefined) {
    try {
      l.lock = parseEntry(v.lock, { file: label, stage, lineOf: (p) => src.lineOf(['lock', ...p]) });
    } catch (err) {
      throw new DvdError('EBADLINEAGE', `${label}: lineage lock: ${(err as Error).message}`);
    }
  }
  if (v.metrics !== undefined) {
    if (!isMapV(v.metrics) || !Object.values(v.metrics).every(isMapV)) throw fail('metrics', 'must map metrics files to {key: value}');
    l.metrics = v.metrics as Lineage['metrics'];
  }
  return l;
}
