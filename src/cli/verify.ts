import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs, printJson } from './context.js';
import { formatBytes } from './formatBytes.js';
import { plural } from './transferReport.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-hash the cache (or a remote) and report damaged objects')
    .option('-r, --remote [name]', 'download and re-hash every object of a remote (default: core.remote) instead of the cache')
    .option('-j, --jobs <n>', 'objects checked in parallel', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean; remote?: string | true; jobs?: number }, cmd: Command) => {
      const ctx = makeContext(cmd);
      if (opts.remote !== undefined) {
        const { verifyRemote } = await import('../api/verifyRemote.js');
        const r = await verifyRemote(ctx, { remote: opts.remote === true ? undefined : opts.remote, jobs: opts.jobs });
        if (r.damaged.length) process.exitCode = 1;
        if (opts.json) return printJson(r);
        for (const d of r.damaged) process.stderr.write(`damaged on ${r.remote}: sha256:${d.oid} (content hashes to ${d.actual})\n`);
        for (const s of r.strays) process.stderr.write(`warning: ${r.remote}: ${s} is not an object name\n`);
        if (r.damaged.length) {
          process.stderr.write(`hint: delete the damaged keys from ${r.url}, then \`dvd push\` from a clone whose cache holds them (\`dvd verify\` first)\n`);
        }
        if (!isQuiet(cmd)) process.stdout.write(`verified ${plural(r.checked, 'object')} (${formatBytes(r.bytes)}) on ${r.remote}: ${r.damaged.length} damaged\n`);
        return;
      }
      const { verify } = await import('../api/verify.js');
      const r = await verify(ctx, { jobs: opts.jobs });
      if (r.damaged.length) process.exitCode = 1;
      if (opts.json) return printJson(r);
      for (const d of r.damaged) {
        process.stderr.write(`damaged: sha256:${d.oid} (content hashes to ${d.actual}); moved to ${d.quarantinedTo}\n`);
      }
      if (r.damaged.length) process.stderr.write('hint: run `dvd pull` to fetch the damaged objects again\n');
      if (!isQuiet(cmd)) process.stdout.write(`verified ${plural(r.checked, 'object')} (${formatBytes(r.bytes)}): ${r.damaged.length} damaged\n`);
    });
}
