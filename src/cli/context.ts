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
      } else {
        if (d.totalItems !== undefined) bar.setTotal(d.totalItems);
        bar.update(d.items, payload);
      }
    },
    finish() {
      bar?.stop();
    },
  };
}

export function makeContext(cmd: Command): ApiContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const quiet = g.quiet ?? false;
  const tty = process.stderr.isTTY === true && !quiet && !process.env.CI;
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

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new InvalidArgumentError(`-j expects a whole number from 1 to 1024, got ${JSON.stringify(v)}`);
  }
  return n;
}
