import { randomInt } from 'node:crypto';
import { DvdError } from '../core/errors.js';

// Experiments are commits that no branch holds, named by refs under refs/exps/ so every
// Git tool sees them (`git log refs/exps/...`, `git push origin 'refs/exps/*'`):
//
//   refs/exps/<baseline[0:2]>/<baseline[2:]>/<name>   a finished experiment (DVC's layout)
//   refs/exps/queue/<name>                           a queued one, not run yet
//
// The commit's parent is the baseline (the commit the experiment started from); its tree
// holds the params files as the experiment set them and, once run, dvd.lock and the
// committed metrics and plots. What dvd needs besides is in trailers of its message:
//
//   exp lr-small: train.lr=0.01
//
//   Dvd-Exp: lr-small
//   Dvd-Exp-Status: success            (or failed, or queued)
//   Dvd-Exp-Set: train.lr=0.01         (one per -S, as typed)
//   Dvd-Exp-Target: train              (one per target, when given)
//   Dvd-Exp-Queued: 2026-11-30T14:00:00.000Z
//   Dvd-Exp-Started: 2026-11-30T14:00:01.234Z
//   Dvd-Exp-Finished: 2026-11-30T14:00:09.876Z
//   Dvd-Exp-Error: stage train failed: ...   (failed only, one line)

export const EXPS_PREFIX = 'refs/exps/';
export const QUEUE_PREFIX = 'refs/exps/queue/';

export type ExpStatus = 'success' | 'failed' | 'queued';

export interface ExpRecord {
  name: string;
  status: ExpStatus;
  /** The -S arguments as typed. */
  sets: string[];
  targets: string[];
  queued?: string;
  started?: string;
  finished?: string;
  error?: string;
}

/** The ref of experiment `name` run from `baseline` (a commit oid). */
export function expRef(baseline: string, name: string): string {
  return `${EXPS_PREFIX}${baseline.slice(0, 2)}/${baseline.slice(2)}/${name}`;
}

export function queueRef(name: string): string {
  return `${QUEUE_PREFIX}${name}`;
}

/** What a ref under refs/exps/ names, or null for refs of another layout. */
export function parseExpRef(ref: string): { name: string; baseline: string | null } | null {
  if (ref.startsWith(QUEUE_PREFIX)) {
    const name = ref.slice(QUEUE_PREFIX.length);
    return name && !name.includes('/') ? { name, baseline: null } : null;
  }
  const m = /^refs\/exps\/([0-9a-f]{2})\/([0-9a-f]{38})\/([^/]+)$/.exec(ref);
  return m ? { name: m[3], baseline: m[1] + m[2] } : null;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Refuse a name Git could not hold as the last part of a ref, or that would read as
 * something else: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at
 * most 100 characters, no `..`, not ending in `.lock` or `.`; `queue` is the queue's.
 */
export function checkExpName(name: string): void {
  if (!NAME_RE.test(name) || name.includes('..') || name.endsWith('.lock') || name.endsWith('.') || name === 'queue') {
    throw new DvdError('EUSAGE', `bad experiment name ${JSON.stringify(name)}`, {
      exitCode: 2,
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. lr-0.01)',
    });
  }
}

const ADJECTIVES = ['amber', 'brisk', 'calm', 'dapper', 'eager', 'fleet', 'gentle', 'hardy', 'icy', 'jolly', 'keen', 'lucid', 'mellow', 'nimble', 'oaken', 'plucky', 'quiet', 'rapid', 'sunny', 'tidy', 'umber', 'vivid', 'witty', 'young', 'zesty'];
const NOUNS = ['alder', 'badger', 'cedar', 'dingo', 'egret', 'finch', 'gecko', 'heron', 'ibis', 'jackal', 'koala', 'lemur', 'marten', 'newt', 'otter', 'puffin', 'quail', 'raven', 'stoat', 'tapir', 'urchin', 'vole', 'walrus', 'yak', 'zebu'];

/** A name like DVC's (`brisk-otter`), for experiments run without -n. */
export function randomExpName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}`;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** The commit message of an experiment (see the top of this file). */
export function expMessage(r: ExpRecord): string {
  const lines = [`exp ${r.name}${r.sets.length ? `: ${r.sets.join(' ')}` : ''}`, '', `Dvd-Exp: ${r.name}`, `Dvd-Exp-Status: ${r.status}`];
  for (const s of r.sets) lines.push(`Dvd-Exp-Set: ${oneLine(s)}`);
  for (const t of r.targets) lines.push(`Dvd-Exp-Target: ${oneLine(t)}`);
  if (r.queued) lines.push(`Dvd-Exp-Queued: ${r.queued}`);
  if (r.started) lines.push(`Dvd-Exp-Started: ${r.started}`);
  if (r.finished) lines.push(`Dvd-Exp-Finished: ${r.finished}`);
  if (r.error) lines.push(`Dvd-Exp-Error: ${oneLine(r.error)}`);
  return `${lines.join('\n')}\n`;
}

/** The record in an experiment commit's message; null when it has none (not made by dvd). */
export function parseExpMessage(message: string): ExpRecord | null {
  const r: Partial<ExpRecord> & { sets: string[]; targets: string[] } = { sets: [], targets: [] };
  for (const line of message.split('\n')) {
    const m = /^Dvd-Exp(?:-([A-Za-z]+))?: (.*)$/.exec(line);
    if (!m) continue;
    const v = m[2];
    switch (m[1]) {
      case undefined: r.name = v; break;
      case 'Status': if (v === 'success' || v === 'failed' || v === 'queued') r.status = v; break;
      case 'Set': r.sets.push(v); break;
      case 'Target': r.targets.push(v); break;
      case 'Queued': r.queued = v; break;
      case 'Started': r.started = v; break;
      case 'Finished': r.finished = v; break;
      case 'Error': r.error = v; break;
    }
  }
  return r.name && r.status ? (r as ExpRecord) : null;
}
