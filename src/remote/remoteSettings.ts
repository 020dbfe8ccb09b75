import { DvdError } from '../core/errors.js';

// Parsers of remote settings: openRemote converts values with them, and api/configKeys
// checks values with the same functions when they are typed or used (one rule each).

function jobsProblem(text: string, key: string): string | undefined {
  const n = Number(text);
  return /^\d+$/.test(text) && n >= 1 && n <= 1024 ? undefined : `${key}: expected a whole number from 1 to 1024, got ${JSON.stringify(text)}`;
}

function sizeBytes(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?b?)$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

/** "30s", "500ms", "2m", "1h" or a bare number of seconds (as the AWS CLI's --cli-read-timeout) -> ms; > 0. */
function durationMs(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|min|h)?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'min' | 'h'];
  const ms = Math.round(Number(m[1]) * mult);
  return ms > 0 ? ms : undefined;
}

const configError = (message: string) => new DvdError('ECONFIG', message);

/** "64MiB", "8M", "1g", "1048576" -> bytes. Throws ECONFIG naming `key`. */
export function parseSize(text: string, key: string): number {
  const n = sizeBytes(text);
  if (n === undefined) throw configError(`${key}: expected a size like 64MiB, got ${JSON.stringify(text)}`);
  return n;
}

/** A transfer count 1..1024. Throws ECONFIG naming `key`. */
export function parseJobsValue(text: string, key: string): number {
  const problem = jobsProblem(text, key);
  if (problem) throw configError(problem);
  return Number(text);
}

/** A duration setting -> milliseconds. Throws ECONFIG naming `key`. */
export function parseDuration(text: string, key: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw configError(`${key}: expected a duration like 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  return ms;
}

/** "1 s", "500 ms", "2 min": how a duration is shown in messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+(ms / 60_000).toFixed(1)} min`;
}
