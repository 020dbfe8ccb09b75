import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs, userPaths } from './context.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('track files or directories: store them in the cache and write <target>.dvd pointers')
    .argument('<targets...>', 'files or folders to track')
    .option('--glob', 'expand targets as glob patterns (quote them)')
    .option('-j, --jobs <n>', 'files processed in parallel', parseJobs)
    .action(async (targets: string[], opts: { glob?: boolean; jobs?: number }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/add.js')).add(ctx, { targets, glob: opts.glob, jobs: opts.jobs });
      if (isQuiet(cmd)) return;
      const paths = userPaths(ctx);
      for (const a of r.added) {
        const what = a.pointer.type === 'dir' ? `${a.pointer.files} files, ${a.pointer.size} bytes` : `${a.pointer.size} bytes`;
        process.stdout.write(`${a.changed ? 'added' : 'unchanged'} ${paths.show(a.target)} (${what}) -> ${paths.show(a.pointerFile)}\n`);
      }
      if (r.staged) process.stdout.write(`staged ${r.gitFiles.map((f) => paths.show(f)).join(' ')}\n`);
      else process.stdout.write(`\nTo track the changes with git, run:\n\n\t${paths.command('git add', r.gitFiles)}\n`);
    });
}
