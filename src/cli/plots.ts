import type { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { makeContext, printJson, isQuiet } from './context.js';
import { reportUnreadable } from './metrics.js';

interface PlotsFlags {
  out?: string;
  json?: boolean;
  targets?: string[];
}

async function run(cmd: Command, revs: string[], targets: string[] | undefined, opts: PlotsFlags, name: string): Promise<void> {
  const { plots } = await import('../api/plots.js');
  const r = await plots(makeContext(cmd), { revs, targets, out: opts.out, json: opts.json, command: `dvd plots ${name}${revs.length ? ` ${revs.join(' ')}` : ''}` });
  if (opts.json) printJson({ revisions: r.revisions, plots: r.plots, errors: r.errors });
  else {
    if (!isQuiet(cmd)) process.stderr.write(`${r.plots.length} plot${r.plots.length === 1 ? '' : 's'} of ${r.revisions.map((x) => x.label).join(', ')}\n`);
    process.stdout.write(`${pathToFileURL(r.file!).href}\n`);
  }
  reportUnreadable(r.errors, 'plots file');
}

export function registerPlots(program: Command): void {
  const plots = program.command('plots').description('draw plots files, every revision overlaid, into one self-contained HTML page');
  plots
    .command('show')
    .description('the plots of the workspace (page: DIR/index.html, default dvd_plots/)')
    .argument('[targets...]', 'plots files (default: every stage\'s plots)')
    .option('-o, --out <dir>', 'folder for index.html', 'dvd_plots')
    .option('--json', 'print the Vega-Lite specs (data inline) instead of writing the page')
    .action((targets: string[], opts: PlotsFlags, cmd: Command) => run(cmd, ['workspace'], targets, opts, 'show'));
  plots
    .command('diff')
    .description('the plots of several revisions overlaid (default: HEAD and the workspace; one revision: it and the workspace)')
    .argument('[revisions...]', 'branches, tags, commits, or workspace')
    .option('--targets <files...>', 'only these plots files')
    .option('-o, --out <dir>', 'folder for index.html', 'dvd_plots')
    .option('--json', 'print the Vega-Lite specs (data inline) instead of writing the page')
    .action((revs: string[], opts: PlotsFlags, cmd: Command) => run(cmd, revs, opts.targets, opts, 'diff'));
}
