import type { Command } from 'commander';
import { makeContext, parseJobs, printJson, printResult } from './context.js';
import { formatBytes, plural } from './transferReport.js';

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('download tracked data from another repository (path, bare repository or URL) without making this folder a dvd repository')
    .argument('<repo>', 'local repository path, bare repository, or URL git can clone')
    .argument('<path>', 'tracked target (or a path inside a tracked directory) in that repository')
    .option('--rev <rev>', 'revision of that repository (default: HEAD)')
    .option('-o, --out <out>', 'where to write (default: the last part of PATH)')
    .option('-r, --remote <name>', "that repository's remote to download from (default: its core.remote)")
    .option('-j, --jobs <n>', 'downloads in flight', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (repo: string, p: string, opts: { rev?: string; out?: string; remote?: string; jobs?: number; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/get.js')).get(ctx, { repo, path: p, rev: opts.rev, out: opts.out, remote: opts.remote, jobs: opts.jobs });
      if (opts.json) printJson(r);
      else printResult(cmd, `got ${r.path} at ${r.rev} -> ${r.out} (${plural(r.files, 'file')}, ${formatBytes(r.bytes)})`);
    });
}
