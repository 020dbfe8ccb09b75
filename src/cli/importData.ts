import type { Command } from 'commander';
import { gitAdvice } from './gitAdvice.js';
import { makeContext, parseJobs, printJson, printResult, userPaths } from './context.js';
import { reportProblems } from './reportProblems.js';
import { formatBytes } from './formatBytes.js';
import { plural } from './transferReport.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('download tracked data from another dvd repository into this one, recording the source so `dvd update` can follow it')
    .argument('<repo>', 'local repository path, bare repository, or URL git can clone')
    .argument('<path>', 'tracked target (or a path inside a tracked directory) in that repository')
    .option('--rev <rev>', 'revision of that repository to take and follow (default: HEAD)')
    .option('-o, --out <out>', 'where to put it (default: the last part of PATH)')
    .option('-r, --remote <name>', "that repository's remote to download from (default: its core.remote)")
    .option('-j, --jobs <n>', 'downloads in flight', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (repo: string, p: string, opts: { rev?: string; out?: string; remote?: string; jobs?: number; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const paths = userPaths(ctx);
      const r = await (await import('../api/importRepo.js')).importRepo(ctx, { repo, path: p, rev: opts.rev, out: opts.out, remote: opts.remote, jobs: opts.jobs });
      if (opts.json) return printJson(r);
      printResult(cmd, `imported ${paths.show(r.target)} from ${repo}:${p} at ${r.rev} (${r.commit.slice(0, 12)}; ${plural(r.files, 'file')}, ${formatBytes(r.bytes)}) -> ${paths.show(r.pointerFile)}`);
      gitAdvice(cmd, paths, r);
    });
  program
    .command('import-url')
    .description('track data from an S3 URL or a local folder or file, recording the source so `dvd update` can check it again')
    .argument('<url>', 's3://bucket/key (an object, or a folder of objects), file:///path, or a path')
    .argument('[out]', 'where to put it (default: the last part of URL)')
    .option('-r, --remote <name>', 'S3 settings (endpoint, region, profile, keys) of this remote (default: the remote on the same bucket)')
    .option('-j, --jobs <n>', 'downloads in flight', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (url: string, out: string | undefined, opts: { remote?: string; jobs?: number; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const paths = userPaths(ctx);
      const r = await (await import('../api/importUrl.js')).importUrl(ctx, { url, out, remote: opts.remote, jobs: opts.jobs });
      if (opts.json) return printJson(r);
      printResult(cmd, `imported ${paths.show(r.target)} from ${url} (${plural(r.files, 'file')}, ${formatBytes(r.bytes)}) -> ${paths.show(r.pointerFile)}`);
      gitAdvice(cmd, paths, r);
    });
  program
    .command('update')
    .description('bring imported data up to date with its source (dvd import: the revision followed; dvd import-url: the URL)')
    .argument('[targets...]', 'imported targets (default: all)')
    .option('--rev <rev>', 'follow this revision of the source repository from now on')
    .option('-r, --remote <name>', "for `dvd import` targets: the source repository's remote; for import-url: the remote whose S3 settings to use")
    .option('-j, --jobs <n>', 'downloads in flight', parseJobs)
    .option('-f, --force', 'discard local changes to the imported data')
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], opts: { rev?: string; remote?: string; jobs?: number; force?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/update.js')).update(ctx, { targets, rev: opts.rev, remote: opts.remote, jobs: opts.jobs, force: opts.force });
      if (opts.json) printJson(r);
      else if (r.targets.length === 0 && r.problems.length === 0) printResult(cmd, 'No imported data here (see `dvd import`, `dvd import-url`).');
      else {
        const paths = userPaths(ctx);
        for (const t of r.targets) {
          const at = t.commit ? ` at ${t.commit.slice(0, 12)}` : '';
          const restored = t.restored && t.outcome !== 'updated' ? `; restored ${plural(t.restored, 'file')} to the imported version` : '';
          if (t.outcome === 'updated') printResult(cmd, `updated ${paths.show(t.target)}${at} -> ${paths.show(t.pointerFile)}`);
          else if (t.outcome === 'recorded') printResult(cmd, `${paths.show(t.target)}: same data${at}; ${paths.show(t.pointerFile)} records the source's new state${restored}`);
          else printResult(cmd, `${paths.show(t.target)}: up to date${at}${restored}`);
        }
        gitAdvice(cmd, paths, r);
      }
      reportProblems(r.problems);
    });
}
