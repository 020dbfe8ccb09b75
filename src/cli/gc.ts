import type { Command } from 'commander';
import type { GcObject, GcQuestion, GcResult } from '../api/gc.js';
import { makeContext, parseJobs, printJson } from './context.js';
import { formatBytes, plural } from './transferReport.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

interface GcCliOptions {
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  rev?: string[];
  remote?: string;
  jobs?: number;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

/**
 * The question, only when a person is there to answer it: y/N for the cache; deleting
 * from a remote (other clones may need it) takes typing the remote's name.
 */
async function askOnTty(q: GcQuestion, describe: (q: GcQuestion, verb?: string) => string): Promise<boolean> {
  // Loaded here, not at start-up: node:readline costs every command ~2 ms to load.
  const readline = await import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`${describe(q, 'gc will remove')} (${formatBytes(q.cache.bytes)} in the cache).\n`);
    process.stderr.write('`--dry-run` lists them by pointer and path.\n');
    if (q.remote) {
      const answer = await rl.question(`Other clones may still need what ${q.remote.name} holds. Type the remote name (${q.remote.name}) to confirm: `);
      return answer.trim() === q.remote.name;
    }
    return /^y(es)?$/i.test((await rl.question('Delete them? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

/**
 * `model.bin (model.bin.dvd at 1a2b3c4d5e6f)`, `data/ manifest (...)`, `model.pkl (dvd.lock
 * at ...)`, `model.pkl (run cache 0123456789ab)` or `(in no commit)`; `(in no commit
 * found: ...)` when folder manifests of the history could not be read.
 */
function usedBy(o: Omit<GcObject, 'size'>, manifestsNotInCache: number): string {
  const u = o.usedBy;
  if (!u) return manifestsNotInCache ? `(in no commit found: ${plural(manifestsNotInCache, 'folder manifest')} of the history ${manifestsNotInCache === 1 ? 'is' : 'are'} not in the cache)` : '(in no commit)';
  const where = u.run ? `(run cache ${u.run.slice(0, 12)})` : `(${u.pointerFile} at ${u.rev!.slice(0, 12)})`;
  return u.manifest ? `${u.path} manifest ${where}` : `${u.path} ${where}`;
}

function printDryRun(r: GcResult): void {
  const line = (where: string, o: Omit<GcObject, 'size'> & { size?: number }) =>
    `${where}: ${usedBy(o, r.manifestsNotInCache ?? 0)} sha256:${o.oid.slice(0, 12)}${o.size === undefined ? '' : ` ${formatBytes(o.size)}`}${o.onNoRemote ? ', on no remote' : ''}\n`;
  for (const o of r.cache.objects) process.stdout.write(line('cache', o));
  if (r.remote) for (const o of r.remote.objects) process.stdout.write(line(r.remote.name, o));
  if (r.onNoRemote) process.stdout.write(`${r.onNoRemote} of them ${r.onNoRemote === 1 ? 'is' : 'are'} on no ${r.remote ? 'other ' : ''}remote: gc will ask before deleting them (or needs -f)\n`);
  if (r.runOutputs) process.stdout.write(`${r.runOutputs} of them ${r.runOutputs === 1 ? 'is an output' : 'are outputs'} of earlier runs in the run cache: \`dvd repro\` would run those stages again instead of restoring them\n`);
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('remove cached (and with -r, remote) objects that no version in the scope references; the workspace is always kept')
    .option('-w, --workspace', "keep what the workspace's pointers reference")
    .option('-a, --all-branches', 'keep what every branch tip references')
    .option('-T, --all-tags', 'keep what every tag references')
    .option('-A, --all-commits', 'keep what every commit references')
    .option('--rev <rev>', 'keep what this revision references (repeatable)', collect)
    .option('-r, --remote <name>', 'also delete unreferenced objects from this remote (asks first unless -f)')
    .option('-j, --jobs <n>', 'remote requests in flight (default: remote.NAME.jobs, else the remote type\'s default)', parseJobs)
    .option('--dry-run', 'only list what would be deleted, by pointer and path, and how many bytes')
    .option('-f, --force', 'delete without asking, also objects that no remote holds')
    .option('--json', 'print one JSON document')
    .action(async (opts: GcCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd);
      const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
      const { gc, describeGcQuestion } = await import('../api/gc.js');
      const r = await gc(ctx, {
        workspace: opts.workspace,
        allBranches: opts.allBranches,
        allTags: opts.allTags,
        allCommits: opts.allCommits,
        rev: opts.rev ?? [],
        remote: opts.remote,
        jobs: opts.jobs,
        dryRun: opts.dryRun,
        force: opts.force,
        confirm: tty ? (q) => askOnTty(q, describeGcQuestion) : undefined,
      });
      if (opts.json) {
        printJson(r);
        return;
      }
      const verb = r.dryRun ? 'would remove' : 'removed';
      if (r.dryRun) printDryRun(r);
      process.stdout.write(`cache: ${verb} ${plural(r.cache.removed, 'object')} (${formatBytes(r.cache.bytes)}), kept ${r.cache.kept}\n`);
      if (r.remote) process.stdout.write(`${r.remote.name}: ${verb} ${plural(r.remote.removed, 'object')}, kept ${r.remote.kept}\n`);
    });
}
