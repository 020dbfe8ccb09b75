import type { PointerProblem } from '../core/pointerProblem.js';

const SHOWN = 50;

/**
 * Print the pointers (or targets) a command left out, after its own output, and make it
 * exit 1: the work on every other target is done, but not all of it (DESIGN Amendments).
 * Each distinct hint is printed once, after the list.
 */
export function reportProblems(problems: PointerProblem[]): void {
  if (problems.length === 0) return;
  for (const p of problems.slice(0, SHOWN)) process.stderr.write(`error: ${p.message}\n`);
  if (problems.length > SHOWN) process.stderr.write(`error: ... and ${problems.length - SHOWN} more\n`);
  for (const hint of new Set(problems.slice(0, SHOWN).flatMap((p) => (p.hint ? [p.hint] : [])))) process.stderr.write(`hint: ${hint}\n`);
  process.exitCode = 1;
}
