import type { Command } from 'commander';
import { makeContext, printJson, printResult, userPaths } from './context.js';
import { plural } from './transferReport.js';

export function registerUnprotect(program: Command): void {
  program
    .command('unprotect')
    .description('make tracked files writable private copies before editing them (hardlink and symlink cache types)')
    .argument('<paths...>', 'tracked targets or files and folders inside them')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], opts: { json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/unprotect.js')).unprotect(ctx, { targets: paths });
      if (opts.json) return printJson(r);
      const show = (p: string) => userPaths(ctx).show(p);
      for (const p of r.paths) {
        printResult(cmd, p.copied ? `unprotected ${show(p.path)} (${plural(p.copied, 'file')} copied out of the cache)` : `${show(p.path)}: already writable (not linked to the cache)`);
      }
    });
}
