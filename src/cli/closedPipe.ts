/**
 * The status a shell reports for a process killed by SIGPIPE (128 + 13): what
 * `git log | head -1` gives under `set -o pipefail`.
 */
export const CLOSED_PIPE_EXIT = 141;

/**
 * When the reader of dvd's output goes away (`dvd ls -R | head`), the next write fails
 * with EPIPE, which Node emits as an 'error' event on the stream: unhandled, that is a
 * crash with a stack trace. Git dies of SIGPIPE there, silently; dvd exits at once,
 * silently, with the same status (Node ignores SIGPIPE itself, so it cannot die of it).
 * Covers stdout and stderr (`dvd ... 2>&1 | head`). Any other stream error stays fatal.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(CLOSED_PIPE_EXIT);
      throw err;
    });
  }
}
