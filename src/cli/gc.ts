import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { makeContext, parseJobs, printJson } from './context.js';
import { formatBytes, plural } from './transferReport.js';

const collect = (v: string, prev: string[]) => [...prev, v];

interface GcCliOptions {
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  rev: string[];
  remote?: string;
  jobs?: number;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Typed confirmation, only when a person is there to type it. */
async function askOnTty(q: { remote: string; url: string; objects: number }): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `This deletes ${plural(q.objects, 'object')} from remote ${q.remote} (${q.url}) that no version in the scope references.\n` +
        `Other clones may still need them. Type the remote name (${q.remote}) to confirm: `,
    );
    return answer.trim() === q.remote;
  } finally {
    rl.close();
  }
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('remove cached (and with -r, remote) objects that no version in the scope references; the workspace is always kept')
    .option('-w, --workspace', "keep what the workspace's pointers reference")
    .option('-a, --all-branches', 'keep what every branch tip references')
    .option('-T, --all-tags', 'keep what every tag references')
    .option('-A, --all-commits', 'keep what every commit references')
    .option('--rev <rev>', 'keep what this revision references (repeatable)', collect, [])
    .option('-r, --remote <name>', 'also delete unreferenced objects from this remote (asks first unless -f)')
    .option('-j, --jobs <n>', 'remote requests in flight (default: remote.NAME.jobs, else the remote type\'s default)', parseJobs)
    .option('--dry-run', 'only show what would be deleted and how many bytes')
    .option('-f, --force', 'delete from the remote without asking')
    .option('--json', 'print one JSON document')
    .action(async (opts: GcCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd);
      const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
      const r = await (await import('../api/gc.js')).gc(ctx, {
        workspace: opts.workspace,
        allBranches: opts.allBranches,
        allTags: opts.allTags,
        allCommits: opts.allCommits,
        rev: opts.rev,
        remote: opts.remote,
        jobs: opts.jobs,
        dryRun: opts.dryRun,
        force: opts.force,
        confirm: tty ? askOnTty : undefined,
      });
      if (opts.json) {
        printJson(r);
        return;
      }
      const verb = r.dryRun ? 'would remove' : 'removed';
      if (r.dryRun) for (const oid of r.cache.oids) process.stdout.write(`cache: sha256:${oid}\n`);
      if (r.dryRun && r.remote) for (const oid of r.remote.oids) process.stdout.write(`${r.remote.name}: sha256:${oid}\n`);
      process.stdout.write(`cache: ${verb} ${plural(r.cache.removed, 'object')} (${formatBytes(r.cache.bytes)}), kept ${r.cache.kept}\n`);
      if (r.remote) process.stdout.write(`${r.remote.name}: ${verb} ${plural(r.remote.removed, 'object')}, kept ${r.remote.kept}\n`);
    });
}
