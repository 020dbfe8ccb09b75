import { spawnSync } from 'node:child_process';

/** "2.39.5" from `git --version`, or null when no git program is on PATH. */
export function gitVersion(): string | null {
  const r = spawnSync('git', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
}
