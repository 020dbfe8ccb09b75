import type cliProgressTypes from 'cli-progress';
import { createRequire } from 'node:module';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiContext, Progress } from '../api/context.js';
import { requireRepoRoot } from '../core/repo.js';
import { UserPaths } from '../core/userPaths.js';
import { formatBytes } from './formatBytes.js';
import type { GlobalOptions } from './main.js';

// cli-progress is CommonJS and only needed on a TTY during a long step; requiring it on
// first use keeps ~30 ms off every command's start-up (status on 20,000 files: ~0.5 s).
const requireCjs = createRequire(import.meta.url);
const loadCliProgress = () => requireCjs('cli-progress') as typeof cliProgressTypes;

const noProgress: Progress = { update() {}, finish() {} };

// Bars hide the terminal's cursor while they draw. restore-cursor (signal-exit) shows it
// again on every way out: normal exit, an error, SIGINT, SIGTERM. It loads on a terminal
// only (~14 ms, in the background), and no bar is drawn before it has loaded, so no exit
// path can leave the cursor hidden.
let cursorRestorable = false;
let cursorGuard: Promise<void> | null = null;
function guardCursor(): void {
  cursorGuard ??= import('restore-cursor').then((m) => {
    m.default();
    cursorRestorable = true;
  });
}

const liveBars = new Set<cliProgressTypes.SingleBar>();

/** Stop every bar still drawing (before an error message is printed over it). */
export function stopProgressBars(): void {
  for (const bar of liveBars) bar.stop();
  liveBars.clear();
}

// Progress goes to stderr, only on a TTY, never with --quiet (DESIGN: command line).
function makeProgress(label: string): Progress {
  const start = Date.now();
  let bar: cliProgressTypes.SingleBar | null = null;
  let lastDraw = 0;
  return {
    update(d) {
      const now = Date.now();
      if (now - lastDraw < 100 && d.items !== d.totalItems) return;
      lastDraw = now;
      const secs = Math.max((now - start) / 1000, 0.001);
      const rate = `${formatBytes(d.bytes / secs)}/s`;
      const payload = {
        label,
        bytes: formatBytes(d.bytes),
        totalBytes: d.totalBytes === undefined ? '?' : formatBytes(d.totalBytes),
        rate,
      };
      if (!bar) {
        // Draw only once the cursor's restoration is armed (see guardCursor).
        if (!cursorRestorable) return;
        const cliProgress = loadCliProgress();
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: '{label} [{bar}] {value}/{total} files | {bytes}/{totalBytes} | {rate} | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            noTTYOutput: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(d.totalItems ?? 0, d.items, payload);
        liveBars.add(bar);
      } else {
        if (d.totalItems !== undefined) bar.setTotal(d.totalItems);
        bar.update(d.items, payload);
      }
    },
    finish() {
      if (!bar) return;
      bar.stop();
      liveBars.delete(bar);
    },
  };
}

export function makeContext(cmd: Command): ApiContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const quiet = g.quiet ?? false;
  const tty = process.stderr.isTTY === true && !quiet && !process.env.CI;
  if (tty) guardCursor();
  return {
    cwd: process.cwd(),
    log: {
      warn: (m) => process.stderr.write(`warning: ${m}\n`),
      info: (m) => {
        if (!quiet) process.stderr.write(`${m}\n`);
      },
    },
    progress: (label) => (tty ? makeProgress(label) : noProgress),
  };
}

/** How to print the repo-relative paths of a result: relative to where dvd runs, quoted in commands. */
export function userPaths(ctx: ApiContext): UserPaths {
  return new UserPaths(requireRepoRoot(ctx.cwd), ctx.cwd);
}

export function isQuiet(cmd: Command): boolean {
  return cmd.optsWithGlobals<GlobalOptions>().quiet ?? false;
}

let jsonPrinted = false;

/** The one JSON document of a --json run, on stdout. */
export function printJson(value: unknown): void {
  jsonPrinted = true;
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Whether the command already printed its JSON document (an error after it must not add a second). */
export function printedJson(): boolean {
  return jsonPrinted;
}

/** A result line on stdout (DESIGN: results go to stdout), unless -q. */
export function printResult(cmd: Command, text: string): void {
  if (!isQuiet(cmd)) process.stdout.write(`${text}\n`);
}

/** DVC's -R: folder targets are always searched for pointers at every depth; accepted so typed DVC commands work. */
export const RECURSIVE_HELP = 'search folder targets at every depth (always done; accepted as in DVC)';

export function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new InvalidArgumentError(`-j expects a whole number from 1 to 1024, got ${JSON.stringify(v)}`);
  }
  return n;
}
