import type { Stage } from './stage.js';

/** What happened to a stage, as the scheduler sees it: did it leave its outputs usable? */
export type Outcome = 'ok' | 'failed';

/**
 * Run `work` for each stage once every stage it depends on (within `stages`) is done,
 * `jobs` at a time, in topological order. A stage whose upstream failed is not started
 * (`skip` is called for it); without `keepGoing`, the first failure stops new starts and
 * the running stages are waited for. `stop()` returning true stops new starts too (Ctrl-C).
 */
export async function schedule(o: {
  stages: Stage[];
  upstream: Map<string, Set<string>>;
  jobs: number;
  keepGoing: boolean;
  work: (stage: Stage) => Promise<Outcome>;
  skip: (stage: Stage, failedUpstream: string) => void;
  stop: () => boolean;
}): Promise<void> {
  const selected = new Set(o.stages.map((s) => s.name));
  const outcome = new Map<string, Outcome>();
  const pending = [...o.stages];
  const running = new Map<string, Promise<void>>();
  let failedOnce = false;
  for (;;) {
    const halt = o.stop() || (failedOnce && !o.keepGoing);
    if (!halt) {
      for (let i = 0; i < pending.length && running.size < o.jobs; ) {
        const s = pending[i];
        const ups = [...o.upstream.get(s.name)!].filter((u) => selected.has(u));
        const bad = ups.find((u) => outcome.get(u) === 'failed');
        if (bad !== undefined) {
          pending.splice(i, 1);
          outcome.set(s.name, 'failed');
          o.skip(s, bad);
          continue;
        }
        if (ups.every((u) => outcome.has(u))) {
          pending.splice(i, 1);
          const p = o.work(s).then(
            (r) => {
              outcome.set(s.name, r);
              if (r === 'failed') failedOnce = true;
            },
            (err) => {
              outcome.set(s.name, 'failed');
              failedOnce = true;
              throw err;
            },
          ).finally(() => running.delete(s.name));
          running.set(s.name, p);
          continue;
        }
        i++;
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values()).catch(async (err) => {
      // An unexpected error (not a stage failure): let the others finish, then throw.
      await Promise.allSettled(running.values());
      throw err;
    });
  }
}
