import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { makeContext, printJson } from './context.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('get, set, unset or list settings (dotted keys: core.remote, cache.type, remote.NAME.endpoint)')
    .argument('[key]')
    .argument('[value]')
    .option('--local', '.dvd/config.local (git-ignored; for secrets)')
    .option('--global', 'the user config ($XDG_CONFIG_HOME/dvd/config)')
    .option('--unset', 'remove KEY')
    .option('--list', 'list every setting as key=value (secrets masked)')
    .option('--show-level', 'with --list: put the level each setting comes from first (user, repo, local)')
    .option('--show-secrets', 'with --list: print secret values (access keys) instead of ********')
    .option('--json', 'print as JSON')
    .action(async (key: string | undefined, value: string | undefined, opts: { local?: boolean; global?: boolean; unset?: boolean; list?: boolean; showLevel?: boolean; showSecrets?: boolean; json?: boolean }, cmd: Command) => {
      if (opts.local && opts.global) throw usageError('--local and --global are exclusive');
      const level = opts.local ? 'local' : opts.global ? 'user' : undefined;
      const { config } = await import('../api/config.js');
      if ((opts.showLevel || opts.showSecrets) && !opts.list) throw usageError('--show-level and --show-secrets go with --list');
      const r = config(makeContext(cmd), { level, key, value, unset: opts.unset, list: opts.list, showSecrets: opts.showSecrets });
      if (opts.json) return printJson(r);
      if (r.action === 'list') {
        for (const e of r.entries) process.stdout.write(`${opts.showLevel ? `${e.level}\t` : ''}${e.key}=${e.value}\n`);
      } else if (r.action === 'get') {
        // Like `git config KEY`: an unset key prints nothing and exits 1.
        if (r.value === undefined) process.exitCode = 1;
        else process.stdout.write(`${r.value}\n`);
      } else if (r.action === 'unset' && !r.existed) {
        process.exitCode = 1;
      }
    });
}
