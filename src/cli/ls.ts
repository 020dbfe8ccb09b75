import type { Command } from 'commander';
import { makeContext, printJson } from './context.js';
import { reportProblems } from './reportProblems.js';
import { formatBytes } from './transferReport.js';

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list tracked data at a path, in the workspace or at a revision (nothing is checked out)')
    .argument('[path]', 'folder, tracked target or path inside one (default: the current folder)')
    .option('--rev <rev>', 'list what this revision tracks (branch, tag, commit, HEAD~N)')
    .option('-R, --recursive', 'list every file below the path')
    .option('-r, --remote <name>', 'remote to fetch missing directory manifests from (default: core.remote)')
    .option('--json', 'print one JSON document')
    .action(async (p: string | undefined, opts: { rev?: string; recursive?: boolean; remote?: string; json?: boolean }, cmd: Command) => {
      const r = await (await import('../api/ls.js')).ls(makeContext(cmd), { path: p, rev: opts.rev, recursive: opts.recursive, remote: opts.remote });
      reportProblems(r.problems);
      if (opts.json) {
        printJson(r);
        return;
      }
      const rows = r.entries.map((e) => {
        const size = formatBytes(e.size).padStart(10);
        const name = e.type === 'dir' ? `${e.path}/` : e.path;
        return `${size}  ${name}${e.type === 'dir' ? `  (${e.files} file${e.files === 1 ? '' : 's'})` : ''}`;
      });
      if (rows.length) process.stdout.write(`${rows.join('\n')}\n`);
    });
}
