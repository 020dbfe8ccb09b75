import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs, printJson, userPaths } from './context.js';
import { formatBytes } from './formatBytes.js';
import { gitAdvice } from './gitAdvice.js';
import { plural } from './transferReport.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('track files or directories: store them in the cache and write <target>.dvd pointers')
    .argument('<targets...>', 'files or folders to track')
    .option('--glob', 'expand targets as glob patterns (quote them)')
    .option('-R, --recursive', 'track each file inside folder targets on its own (one pointer per file)')
    .option('-j, --jobs <n>', 'files processed in parallel', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], opts: { glob?: boolean; recursive?: boolean; jobs?: number; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/add.js')).add(ctx, { targets, glob: opts.glob, recursive: opts.recursive, jobs: opts.jobs });
      if (opts.json) return printJson(r);
      if (isQuiet(cmd)) return;
      const paths = userPaths(ctx);
      for (const a of r.added) {
        const what = a.pointer.type === 'dir' ? `${plural(a.pointer.files ?? 0, 'file')}, ${formatBytes(a.pointer.size)}` : formatBytes(a.pointer.size);
        process.stdout.write(`${a.changed ? 'added' : 'unchanged'} ${paths.show(a.target)} (${what}) -> ${paths.show(a.pointerFile)}\n`);
      }
      gitAdvice(cmd, paths, r);
    });
}
