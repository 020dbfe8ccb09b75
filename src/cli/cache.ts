import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { makeContext, printJson, printResult } from './context.js';

export function registerCache(program: Command): void {
  const cache = program.command('cache').description("the cache's settings");
  cache
    .command('dir')
    .description('show the cache folder, or set it (cache.dir); a relative PATH is stored relative to .dvd/')
    .argument('[path]', 'new cache folder')
    .option('--local', 'write to .dvd/config.local (this clone only)')
    .option('--global', 'write to the user config ($XDG_CONFIG_HOME/dvd/config)')
    .option('-u, --unset', 'go back to the default (.dvd/cache)')
    .option('--json', 'print one JSON document')
    .action(async (p: string | undefined, opts: { local?: boolean; global?: boolean; unset?: boolean; json?: boolean }, cmd: Command) => {
      if (opts.local && opts.global) throw usageError('--local and --global are exclusive');
      const r = (await import('../api/cacheDir.js')).cacheDir(makeContext(cmd), { path: p, unset: opts.unset, level: opts.local ? 'local' : opts.global ? 'user' : undefined });
      if (opts.json) return printJson(r);
      if (p === undefined && !opts.unset) process.stdout.write(`${r.dir}\n`);
      else printResult(cmd, r.written === null ? `cache.dir unset; the cache is ${r.dir}` : `cache.dir = ${r.written} (${r.dir})`);
    });
}
