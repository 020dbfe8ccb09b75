import type { Command } from 'commander';
import type { CheckoutResult } from '../api/checkout.js';
import type { UserPaths } from '../core/userPaths.js';
import { isQuiet, makeContext, parseJobs, printJson, RECURSIVE_HELP, userPaths } from './context.js';
import { reportProblems } from './reportProblems.js';
import { plural } from './transferReport.js';

export function registerCheckout(program: Command): void {
  program
    .command('checkout')
    .description('make the workspace hold exactly the data the pointers name')
    .argument('[targets...]', 'tracked targets (default: all)')
    .option('-f, --force', 'overwrite or delete changed data even if it is not in the cache')
    .option('--relink', 're-create every file with the configured cache type')
    .option('-j, --jobs <n>', 'files processed in parallel', parseJobs)
    .option('--glob', 'targets are shell-style patterns (quote them), matched against the workspace and tracked targets')
    .option('-R, --recursive', RECURSIVE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], opts: { force?: boolean; relink?: boolean; jobs?: number; glob?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await import('../api/checkout.js')).checkout(ctx, { targets, force: opts.force, relink: opts.relink, jobs: opts.jobs, glob: opts.glob });
      if (opts.json) printJson(r);
      else {
        printCheckout(r, isQuiet(cmd), userPaths(ctx));
        if (!isQuiet(cmd) && !checkoutChanged(r) && r.missing.length === 0 && r.problems.length === 0) {
          process.stdout.write(r.targets.length ? `Nothing to check out: the workspace matches ${plural(r.targets.length, 'pointer')}.\n` : 'No data tracked by dvd.\n');
        }
      }
      if (r.missing.length) process.exitCode = 1;
      reportProblems(r.problems);
    });
}

/** Whether a checkout wrote, removed, changed the mode of or made anything. */
export function checkoutChanged(r: CheckoutResult): boolean {
  return r.targets.some((t) => t.written > 0 || t.removed > 0 || t.modeChanged > 0 || t.madeFolder);
}

export function printCheckout(r: CheckoutResult, quiet: boolean, paths: UserPaths): void {
  if (!quiet) {
    for (const t of r.targets) {
      const name = (t.scope ?? [t.target]).map((p) => paths.show(p)).join(', ');
      const modes = t.modeChanged ? `, ${t.modeChanged} mode${t.modeChanged === 1 ? '' : 's'} changed` : '';
      if (t.written || t.removed || t.modeChanged) process.stdout.write(`${name}: ${t.written} written, ${t.removed} removed${modes}, ${t.unchanged} unchanged\n`);
      else if (t.madeFolder) process.stdout.write(`${name}: empty folder restored\n`);
    }
  }
  if (r.missing.length) {
    const shown = r.missing.slice(0, 20).map((m) => `  ${paths.show(m.path)} (sha256:${m.oid}, needed by ${paths.show(m.pointerFile)})`).join('\n');
    process.stderr.write(`error: ${r.missing.length} object(s) are not in the cache; their targets were left unchanged:\n${shown}${r.missing.length > 20 ? `\n  ... and ${r.missing.length - 20} more` : ''}\nhint: run \`dvd pull\` to fetch them from a remote\n`);
  }
}
