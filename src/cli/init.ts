import type { Command } from 'commander';
import { isQuiet, makeContext } from './context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('make the current Git repository a dvd repository')
    .option('--no-scm', 'allow a folder that is not a Git repository')
    .action(async (opts: { scm: boolean }, cmd: Command) => {
      const r = await (await import('../api/init.js')).init(makeContext(cmd), { noScm: !opts.scm });
      if (!isQuiet(cmd)) {
        process.stdout.write(`Initialized dvd repository in ${r.root}/.dvd\n`);
        if (opts.scm) process.stdout.write('Next: git add .dvd .gitattributes && git commit -m "Initialize dvd"\n');
      }
    });
}
