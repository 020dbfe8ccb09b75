import fs from 'node:fs';
import type { Command } from 'commander';
import type { DoctorReport } from '../api/doctor.js';
import type { VersionReport } from '../api/versionReport.js';
import { makeContext, printJson } from './context.js';

export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return pkg.version as string;
}

/** The report as `key: value` lines, the way `dvc version` prints it. */
function reportLines(r: VersionReport): string[] {
  const lines = [
    `dvd: ${r.dvd}`,
    `Node.js: ${r.node}`,
    `git: ${r.git ?? 'not found (isomorphic-git is used)'}`,
    `AWS SDK (client-s3): ${r.awsSdk ?? 'not found'}`,
    `Platform: ${r.platform}`,
  ];
  if (r.repoError) return [...lines, `Repository: cannot be read: ${r.repoError}`];
  if (!r.repo) return [...lines, 'Repository: none here (not inside a dvd repository)'];
  const c = r.repo.cache;
  const works = (Object.keys(c.works) as (keyof typeof c.works)[]).filter((t) => c.works[t]);
  lines.push(
    `Repository: ${r.repo.root} (${r.repo.fileSystem})`,
    `Cache: ${c.dir} (${c.fileSystem})`,
    `Cache types: ${c.configured.join(', ')} configured; ${works.join(', ') || 'none'} work here; checkout uses ${c.uses ?? 'nothing (add copy to cache.type)'}`,
    `Remotes: ${r.repo.remotes.map((x) => `${x.name}${x.default ? ' (default)' : ''} ${x.url}`).join(', ') || 'none'}`,
  );
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  return lines;
}

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('versions (dvd, Node.js, git, AWS SDK), the cache, its file system and the link types that work there')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = (await import('../api/versionReport.js')).versionReport(makeContext(cmd), { dvdVersion: version() });
      if (opts.json) return printJson(r);
      process.stdout.write(`${reportLines(r).join('\n')}\n`);
    });
  program
    .command('doctor')
    .description('everything `dvd version` shows, plus whether each remote answers; exit 1 when something is wrong')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r: DoctorReport = await (await import('../api/doctor.js')).doctor(makeContext(cmd), { dvdVersion: version() });
      if (r.problems.length) process.exitCode = 1;
      if (opts.json) return printJson(r);
      const lines = reportLines(r);
      for (const c of r.remoteChecks) {
        lines.push(`Remote ${c.name}: ${c.ok ? `answers (${c.ms} ms)` : `FAILED: ${c.error!.message}${c.error!.hint ? ` (hint: ${c.error!.hint})` : ''}`}`);
      }
      lines.push(r.problems.length ? `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found.` : 'No problems found.');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
