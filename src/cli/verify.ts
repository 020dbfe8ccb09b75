import type { Command } from 'commander';
import { isQuiet, makeContext, printJson } from './context.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-hash the cache and report (and quarantine) damaged objects')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = await (await import('../api/verify.js')).verify(makeContext(cmd), {});
      if (r.damaged.length) process.exitCode = 1;
      if (opts.json) return printJson(r);
      for (const d of r.damaged) {
        process.stderr.write(`damaged: sha256:${d.oid} (content hashes to ${d.actual}); moved to ${d.quarantinedTo}\n`);
      }
      if (r.damaged.length) process.stderr.write('hint: run `dvd pull` to fetch the damaged objects again\n');
      if (!isQuiet(cmd)) process.stdout.write(`verified ${r.checked} objects (${r.bytes} bytes): ${r.damaged.length} damaged\n`);
    });
}
