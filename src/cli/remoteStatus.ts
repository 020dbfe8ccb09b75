import type { Command } from 'commander';
import { isQuiet, makeContext, printJson, userPaths } from './context.js';
import { reportProblems } from './reportProblems.js';
import { plural } from './transferReport.js';

/**
 * `dvd status --remote [NAME]`: what is not pushed, not fetched, or missing everywhere.
 * Returns whether anything is out of sync (for -q and --exit-code).
 */
export async function printRemoteStatus(cmd: Command, targets: string[], remote: string | undefined, json?: boolean): Promise<boolean> {
  const { remoteStatus } = await import('../api/remoteStatus.js');
  const ctx = makeContext(cmd);
  const r = await remoteStatus(ctx, { targets, remote });
  reportProblems(r.problems);
  const differs = r.pointers.some((p) => p.notPushed || p.notFetched || p.missing || p.unknownFiles);
  if (json) {
    printJson(r);
    return differs;
  }
  if (isQuiet(cmd)) return differs;
  const lines: string[] = [];
  for (const p of r.pointers) {
    const parts: string[] = [];
    if (p.notPushed) parts.push(`${plural(p.notPushed, 'object')} not pushed (run \`dvd push\`)`);
    if (p.notFetched) parts.push(`${plural(p.notFetched, 'object')} not in the cache (run \`dvd fetch\`)`);
    if (p.missing) parts.push(`${plural(p.missing, 'object')} missing everywhere (in neither the cache nor ${r.remote})`);
    if (p.unknownFiles) parts.push('its file list (manifest) is missing everywhere');
    if (parts.length) lines.push(`${userPaths(ctx).show(p.pointerFile)}:\n${parts.map((x) => `\t${x}`).join('\n')}`);
  }
  process.stdout.write(`Remote ${r.remote} (${r.url}):\n`);
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `\tup to date (${plural(r.pointers.length, 'pointer')})\n`);
  return differs;
}
