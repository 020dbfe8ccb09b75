import type { Command } from 'commander';
import { makeContext, parseJobs, printJson } from './context.js';
import { reportProblems } from './reportProblems.js';
import { formatBytes, plural } from './transferReport.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('show tracked files added, modified, deleted or renamed between two revisions (default: HEAD against the workspace)')
    .argument('[a_rev]', 'old side (default: HEAD)')
    .argument('[b_rev]', 'new side (default: the workspace)')
    .option('-r, --remote <name>', 'remote to fetch missing directory manifests from (default: core.remote)')
    .option('-j, --jobs <n>', 'files hashed in parallel for the workspace side', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (a: string | undefined, b: string | undefined, opts: { remote?: string; jobs?: number; json?: boolean }, cmd: Command) => {
      const r = await (await import('../api/diff.js')).diff(makeContext(cmd), { a, b, remote: opts.remote, jobs: opts.jobs });
      reportProblems(r.problems);
      if (opts.json) {
        printJson(r);
        return;
      }
      const lines: string[] = [];
      for (const f of r.added) lines.push(`added:    ${f.path}  (${formatBytes(f.size)})`);
      for (const f of r.deleted) lines.push(`deleted:  ${f.path}  (${formatBytes(f.size)})`);
      for (const f of r.modified) lines.push(`modified: ${f.path}  (${formatBytes(f.oldSize)} -> ${formatBytes(f.newSize)})`);
      for (const f of r.renamed) lines.push(`renamed:  ${f.from} -> ${f.to}${f.type === 'dir' ? '/' : ''}  (${formatBytes(f.size)})`);
      const between = `${r.a.rev} and ${r.b.rev}`;
      if (lines.length === 0) {
        if (r.problems.length === 0) process.stdout.write(`No changes in tracked data between ${between}.\n`);
        return;
      }
      lines.push(
        `${between}: ${plural(r.added.length, 'file')} added, ${r.modified.length} modified, ${r.deleted.length} deleted, ${r.renamed.length} renamed`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
