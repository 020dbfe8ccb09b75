import type { Command } from 'commander';
import { makeContext, printJson } from './context.js';
import { printRemoteStatus } from './remoteStatus.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show tracked data that differs from its pointer')
    .argument('[targets...]', 'tracked targets (default: all)')
    .option('--json', 'print one JSON document')
    .option('-r, --remote [name]', 'compare the cache with a remote (default: core.remote) instead of the workspace')
    .action(async (targets: string[], opts: { json?: boolean; remote?: string | true }, cmd: Command) => {
      if (opts.remote !== undefined) return printRemoteStatus(cmd, targets, opts.remote === true ? undefined : opts.remote, opts.json);
      const r = await (await import('../api/status.js')).status(makeContext(cmd), { targets });
      if (opts.json) {
        printJson(r);
        return;
      }
      const lines: string[] = [];
      for (const t of r.targets) {
        if (t.state === 'unchanged' && !t.notInCache) continue;
        lines.push(`${t.pointerFile}:`);
        if (t.state === 'missing') lines.push(`\tdeleted:  ${t.target}  (run \`dvd checkout ${t.target}\` to restore)`);
        for (const p of t.added) lines.push(`\tadded:    ${p}`);
        for (const p of t.modified) lines.push(`\tmodified: ${p}`);
        for (const p of t.deleted) lines.push(`\tdeleted:  ${p}`);
        for (const p of t.relink) lines.push(`\trelink:   ${p}  (dvd's link, not into this repository's cache; \`dvd checkout\` re-creates it)`);
        if (t.state === 'modified' && t.added.length + t.modified.length + t.deleted.length + t.relink.length === 0) lines.push(`\tmodified: ${t.target}`);
        if (t.notInCache) lines.push('\tnot in cache (run `dvd pull` to fetch it)');
      }
      if (lines.length === 0) process.stdout.write(r.targets.length ? 'Data and pointers are up to date.\n' : 'No data tracked by dvd.\n');
      else process.stdout.write(`${lines.join('\n')}\n`);
    });
}
