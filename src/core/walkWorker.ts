import { parentPort, workerData } from 'node:worker_threads';
import { IgnoreRules } from './ignoreRules.js';
import { ColumnSink } from './walkColumns.js';
import { parentOf, walkFolder } from './walkTarget.js';
import type { WalkAnswer, WalkJob } from './parallelWalk.js';

// Entry point of a walk worker thread (parallelWalk.ts): claims units (folders of the
// target) from the shared claim array until none is left, walks each as the main thread
// would, and sends each as columns once walked (so its paths do not pile up in this
// thread's heap), then a last message to say it is done. A unit it cannot finish as the
// main thread would is handed back whole: a failed call (EACCES, ...), whose error the
// main thread then meets itself, and a path a .dvdignore rule ignores, whose "is it
// recorded?" answer needs the manifest only the main thread has.

const job = workerData as WalkJob;
const o = { cacheDir: job.cacheDir, root: job.root, target: job.target };
const base = `${job.dir}/`;
// Units are often siblings: their rules above are the same chain, read once.
const rulesAbove = new Map<string, IgnoreRules>();

class HandBack extends Error {}
const handBack = (): boolean => {
  throw new HandBack();
};

for (let i = 0; i < job.units.length; i++) {
  if (Atomics.compareExchange(job.owners, i, 0, job.me) !== 0) continue;
  const { rel, inIgnored } = job.units[i];
  const sink = new ColumnSink();
  let answer: WalkAnswer;
  try {
    const parent = parentOf(rel);
    let rules = rulesAbove.get(parent);
    if (!rules) rulesAbove.set(parent, (rules = IgnoreRules.forFolder(job.root, parent === '' ? job.target : `${job.target}/${parent}`)));
    walkFolder(job.dir, base, o, sink, { rel, rules, inIgnored }, handBack);
    const { columns, transfer } = sink.columns();
    answer = { unit: i, columns };
    parentPort!.postMessage(answer, transfer);
    continue;
  } catch {
    // Any failure: the main thread walks the unit itself (see above).
    answer = { unit: i, columns: null };
  }
  parentPort!.postMessage(answer);
}
parentPort!.postMessage({ unit: -1, columns: null } satisfies WalkAnswer);
