import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Where a stage's output goes: straight through (inherit), or through sinks line by line with a prefix. */
export interface RunOutput {
  /** Inherit dvd's stdout/stderr (one stage at a time, no prefix). */
  inherit?: boolean;
  /** `[stage] ` before each line, when several stages run at once. */
  prefix?: string;
  stdout: Writable;
  stderr: Writable;
}

export interface CommandResult {
  /** Exit code of the first command that failed, 0 when all succeeded. */
  code: number;
  /** The failing command. */
  cmd?: string;
  signal?: NodeJS.Signals;
  /** Set when dvd was interrupted (Ctrl-C, SIGTERM) while the command ran. */
  interrupted?: boolean;
}

/** Milliseconds between the forwarded signal and SIGKILL for a process group that does not stop. */
const KILL_GRACE_MS = Number(process.env.DVD_KILL_GRACE_MS ?? 3000);

/**
 * The only code in dvd that spawns user commands (git-lfs's queue owns transfers; this
 * owns commands). Each command runs through the shell in its own process group, so
 * Ctrl-C reaches every process it started: on SIGINT or SIGTERM to dvd the signal is
 * forwarded to each running group, then SIGKILL after a grace period. While any command
 * runs, dvd's own default signal exit is suspended so it can wait for the groups to end
 * and leave nothing half-committed (outputs are committed only after a clean exit).
 */
export class Runner {
  private readonly running = new Set<ChildProcess>();
  private interruptedBy: NodeJS.Signals | null = null;
  private readonly onSignal = (sig: NodeJS.Signals) => this.interrupt(sig);

  /** The signal that interrupted this run, if any. */
  get interrupted(): NodeJS.Signals | null {
    return this.interruptedBy;
  }

  /** Forward `sig` to every running command's process group; stop starting new commands. */
  interrupt(sig: NodeJS.Signals): void {
    this.interruptedBy ??= sig;
    for (const child of this.running) killGroup(child, sig);
    const left = [...this.running];
    if (left.length) {
      setTimeout(() => {
        for (const child of left) if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
      }, KILL_GRACE_MS).unref();
    }
  }

  /** Run `cmds` in order in `cwd` (stopping at the first failure) with `env` added to dvd's environment. */
  async run(cmds: string[], cwd: string, out: RunOutput, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    for (const cmd of cmds) {
      if (this.interruptedBy) return { code: 130, cmd, interrupted: true, signal: this.interruptedBy };
      const r = await this.runOne(cmd, cwd, out, env);
      if (this.interruptedBy) return { ...r, code: r.code || 130, cmd, interrupted: true };
      if (r.code !== 0) return { ...r, cmd };
    }
    return { code: 0 };
  }

  private runOne(cmd: string, cwd: string, out: RunOutput, env: NodeJS.ProcessEnv): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      // detached: the shell leads a new process group (and session), so a signal to
      // -pid reaches the whole command tree, and a terminal's Ctrl-C reaches dvd only.
      const child = spawn(cmd, {
        cwd,
        shell: true,
        detached: true,
        env: { ...process.env, ...env },
        stdio: out.inherit ? ['inherit', 'inherit', 'inherit'] : ['inherit', 'pipe', 'pipe'],
      });
      if (this.running.size === 0) {
        process.on('SIGINT', this.onSignal);
        process.on('SIGTERM', this.onSignal);
      }
      this.running.add(child);
      if (!out.inherit) {
        pipeLines(child.stdout!, out.stdout, out.prefix ?? '');
        pipeLines(child.stderr!, out.stderr, out.prefix ?? '');
      }
      const done = () => {
        this.running.delete(child);
        if (this.running.size === 0) {
          process.off('SIGINT', this.onSignal);
          process.off('SIGTERM', this.onSignal);
        }
      };
      child.on('error', (err) => {
        done();
        reject(err);
      });
      child.on('close', (code, signal) => {
        done();
        // Whatever the shell left behind in its group goes with it.
        killGroup(child, 'SIGKILL');
        resolve({ code: code ?? 128 + signalNumber(signal), signal: signal ?? undefined });
      });
    });
  }
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal ? (table[signal] ?? 0) : 0;
}

/** Copy a stream to `sink` line by line with `prefix` (a partial last line is flushed at the end). */
export function pipeLines(src: NodeJS.ReadableStream, sink: Writable, prefix: string): void {
  let rest = '';
  src.setEncoding('utf8');
  src.on('data', (chunk: string) => {
    const text = rest + chunk;
    const lines = text.split('\n');
    rest = lines.pop()!;
    if (lines.length) sink.write(lines.map((l) => `${prefix}${l}\n`).join(''));
  });
  src.on('end', () => {
    if (rest) sink.write(`${prefix}${rest}\n`);
  });
}
