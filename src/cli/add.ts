import type { Command } from 'commander';
import { isQuiet, makeContext, parseJobs } from './context.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('track files or directories: store them in the cache and write <target>.dvd pointers')
    .argument('<targets...>', 'files or folders to track')
    .option('--glob', 'expand targets as glob patterns (quote them)')
    .option('-j, --jobs <n>', 'files processed in parallel', parseJobs)
    .action(async (targets: string[], opts: { glob?: boolean; jobs?: number }, cmd: Command) => {
      const r = await (await import('../api/add.js')).add(makeContext(cmd), { targets, glob: opts.glob, jobs: opts.jobs });
      if (isQuiet(cmd)) return;
      for (const a of r.added) {
        const what = a.pointer.type === 'dir' ? `${a.pointer.files} files, ${a.pointer.size} bytes` : `${a.pointer.size} bytes`;
        process.stdout.write(`${a.changed ? 'added' : 'unchanged'} ${a.target} (${what}) -> ${a.pointerFile}\n`);
      }
      if (r.staged) process.stdout.write(`staged ${r.gitFiles.join(' ')}\n`);
      else process.stdout.write(`\nTo track the changes with git, run:\n\n\tgit add ${r.gitFiles.join(' ')}\n`);
    });
}
