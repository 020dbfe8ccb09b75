import { forEachParallel } from '../core/forEachParallel.js';
import { DvdError } from '../core/errors.js';
import { TransferError } from './TransferError.js';

/** Progress sink (structurally the api's Progress; the remote layer does not import upward). */
export interface QueueProgress {
  update(done: { items: number; bytes: number; totalItems?: number; totalBytes?: number }): void;
  finish(): void;
}

export interface TransferItem {
  oid: string;
  /** Bytes, for ordering and progress; 0 when unknown (manifests before they arrive). */
  size: number;
  /** Who needs it, for messages: a pointer file, maybe with a path inside its directory. */
  neededBy: string;
}

export interface TransferFailure {
  item: TransferItem;
  error: TransferError | Error;
}

export interface TransferResult {
  done: TransferItem[];
  failed: TransferFailure[];
  bytes: number;
}

export interface TransferQueueOptions {
  jobs: number;
  /** Moves one object; reports bytes as they go (negative to undo a failed attempt). */
  transfer: (item: TransferItem, onBytes: (n: number) => void) => Promise<void>;
  progress?: QueueProgress;
}

// The one queue push, fetch and pull share (git-lfs's tq habit): it de-duplicates oids,
// runs the largest objects first (a big file started last would run alone at the end),
// keeps `jobs` transfers going, and collects per-object failures to report together.
// Retries and pacing are not its business: every request a transfer makes goes through
// the remote's RetryPolicy, which also slows the whole remote down when it throttles.
// A fatal error (bad credentials, no bucket, a remote that stopped answering) stops
// everything at once: every other object would fail the same way.
export class TransferQueue {
  private readonly items = new Map<string, TransferItem>();
  private readonly o: TransferQueueOptions;

  constructor(o: TransferQueueOptions) {
    this.o = o;
  }

  add(item: TransferItem): void {
    if (!this.items.has(item.oid)) this.items.set(item.oid, item);
  }

  get size(): number {
    return this.items.size;
  }

  async run(): Promise<TransferResult> {
    const queue = [...this.items.values()].sort((a, b) => b.size - a.size);
    const totalBytes = queue.reduce((s, i) => s + i.size, 0);
    const result: TransferResult = { done: [], failed: [], bytes: 0 };
    let fatal: unknown = null;
    let bytes = 0;
    const report = () => this.o.progress?.update({ items: result.done.length + result.failed.length, bytes, totalItems: queue.length, totalBytes });
    report();

    const runOne = async (item: TransferItem) => {
      if (fatal !== null) return;
      let moved = 0;
      try {
        await this.o.transfer(item, (n) => {
          moved += n;
          bytes += n;
          report();
        });
        result.done.push(item);
        result.bytes += item.size;
      } catch (err) {
        bytes -= moved;
        if (err instanceof TransferError && err.kind === 'fatal') {
          // Stops the other workers (checked above) and, thrown, the queue.
          fatal ??= err;
          throw err;
        }
        result.failed.push({ item, error: err as Error });
      }
      report();
    };
    try {
      await forEachParallel(queue, this.o.jobs, runOne);
    } finally {
      this.o.progress?.finish();
    }
    return result;
  }
}

/** One error for all per-object failures, each line naming the object and who needs it. */
export function transferFailuresError(verb: string, failures: TransferFailure[], remoteName: string): DvdError {
  const lines = failures.slice(0, 20).map((f) => `  sha256:${f.item.oid} (${f.item.neededBy}): ${f.error.message}`);
  if (failures.length > 20) lines.push(`  ... and ${failures.length - 20} more`);
  const missing = failures.filter((f) => f.error instanceof TransferError && f.error.kind === 'missing').length;
  return new DvdError('ETRANSFER', `${verb}: ${failures.length} object${failures.length === 1 ? '' : 's'} failed\n${lines.join('\n')}`, {
    hint: missing
      ? `objects missing on ${remoteName} were never pushed there: run \`dvd push\` from a clone that has them in its cache`
      : 'run the command again: objects already transferred are not sent twice',
    data: { failures: failures.map((f) => ({ oid: f.item.oid, neededBy: f.item.neededBy, code: (f.error as DvdError).code, message: f.error.message })) },
  });
}
