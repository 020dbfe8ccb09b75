import type { Command } from 'commander';
import { isQuiet, makeContext, printJson, printResult } from './context.js';

// Loaded on use: the CLI starts faster when a command imports only what it runs.
const api = () => import('../api/remote.js');

export function registerRemote(program: Command): void {
  const remote = program.command('remote').description('manage remotes (S3 buckets, S3-compatible stores, folders)');
  remote
    .command('add')
    .description('add a remote: s3://bucket/prefix, file:///path, or a folder path')
    .argument('<name>')
    .argument('<url>')
    .option('-d, --default', 'make it the default remote (core.remote)')
    .option('--local', 'write to .dvd/config.local (not committed) instead of .dvd/config')
    .option('-f, --force', 'replace a remote of the same name')
    .action(async (name: string, url: string, opts: { default?: boolean; local?: boolean; force?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      (await api()).remoteAdd(ctx, { name, url, setDefault: opts.default, local: opts.local, force: opts.force });
      printResult(cmd, `added remote ${name} -> ${url}${opts.default ? ' (default)' : ''}`);
    });
  remote
    .command('list')
    .description('list remotes; the default is marked with *')
    .option('-v, --verbose', "also each remote's settings (endpoint, region, profile, ...; never secrets)")
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean; verbose?: boolean }, cmd: Command) => {
      const list = (await api()).remoteList(makeContext(cmd));
      if (opts.json) return printJson(list);
      // The global -v (stack traces) takes the flag when it is typed after the command too.
      const verbose = opts.verbose || cmd.optsWithGlobals<{ verbose?: boolean }>().verbose;
      for (const r of list) {
        process.stdout.write(`${r.default ? '*' : ' '} ${r.name}\t${r.url}\n`);
        if (verbose) for (const [k, v] of Object.entries(r.settings)) process.stdout.write(`\t${k} = ${v}\n`);
      }
    });
  remote
    .command('rename')
    .description('rename a remote (its settings, secrets and the default move with it)')
    .argument('<old>')
    .argument('<new>')
    .action(async (from: string, to: string, _opts: unknown, cmd: Command) => {
      const r = (await api()).remoteRename(makeContext(cmd), { from, to });
      if (!isQuiet(cmd)) process.stdout.write(`renamed remote ${r.from} -> ${r.to}${r.wasDefault ? ' (the default)' : ''}\n`);
    });
  remote
    .command('remove')
    .description('remove a remote and its settings (the data on it is left alone)')
    .argument('<name>')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = (await api()).remoteRemove(ctx, { name });
      printResult(cmd, `removed remote ${name}${r.wasDefault ? ' (it was the default; set another with `dvd remote default NAME`)' : ''}`);
    });
  remote
    .command('default')
    .description('show or set the default remote')
    .argument('[name]')
    .option('--local', 'write to .dvd/config.local')
    .option('--unset', 'clear the default')
    .action(async (name: string | undefined, opts: { local?: boolean; unset?: boolean }, cmd: Command) => {
      const r = (await api()).remoteDefault(makeContext(cmd), { name, local: opts.local, unset: opts.unset });
      if (name === undefined && !opts.unset) {
        if (r.name === undefined) process.exitCode = 1;
        else process.stdout.write(`${r.name}\n`);
      }
    });
  remote
    .command('modify')
    .description('set a remote setting: url, endpoint, region, profile, path_style, sse, sse_kms_key_id, storage_class, jobs, timeout, multipart_threshold, multipart_chunksize; secrets (access_key_id, secret_access_key, session_token) need --local')
    .argument('<name>')
    .argument('<key>')
    .argument('[value]')
    .option('--local', 'write to .dvd/config.local (for secrets)')
    .option('--unset', 'remove the setting')
    .action(async (name: string, key: string, value: string | undefined, opts: { local?: boolean; unset?: boolean }, cmd: Command) => {
      (await api()).remoteModify(makeContext(cmd), { name, key, value, local: opts.local, unset: opts.unset });
    });
}
