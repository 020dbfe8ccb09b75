import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { makeContext, printJson, printResult } from './context.js';

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description('install Git hooks (post-checkout, post-merge: dvd -q checkout; pre-push: dvd pre-push) and the pointer merge driver')
    .option('--uninstall', 'remove exactly what `dvd install` added')
    .option('--json', 'print one JSON document')
    .action(async (opts: { uninstall?: boolean; json?: boolean }, cmd: Command) => {
      // Hooks call this very installation by absolute path: `dvd` may not be on PATH
      // inside Git's hook environment (npx, a checkout of dvd, an IDE's Git).
      const bin = fileURLToPath(new URL('../../bin/dvd.js', import.meta.url));
      const ctx = makeContext(cmd);
      const r = await (await import('../api/install.js')).install(ctx, { uninstall: opts.uninstall, dvdCommand: [process.execPath, bin] });
      if (opts.json) {
        printJson(r);
        return;
      }
      for (const h of r.hooks) printResult(cmd, `${h.name}: ${h.action}`);
      printResult(cmd, `merge driver: ${r.mergeDriver}; .gitattributes: ${r.gitattributes}`);
      if (!opts.uninstall && r.gitattributes === 'added') printResult(cmd, 'Commit .gitattributes so clones merge pointer files with dvd too (each clone runs `dvd install` once).');
    });
}
