import type { Command } from 'commander';
import { shellQuote } from '../core/userPaths.js';
import { isQuiet, makeContext, userPaths } from './context.js';
import { gitAdvice } from './gitAdvice.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerStage(program: Command): void {
  const stage = program.command('stage').description('edit the stages of dvd.yaml');
  stage
    .command('add')
    .description('append a stage to dvd.yaml: dvd stage add -n NAME [-d DEP]... [-o OUT]... -- COMMAND')
    .requiredOption('-n, --name <name>', 'stage name')
    .option('-d, --deps <path>', 'a file or folder the command reads (repeatable)', collect)
    .option('-o, --outs <path>', 'an output, stored in the cache (repeatable)', collect)
    .option('-O, --outs-no-cache <path>', 'an output committed to Git instead (repeatable)', collect)
    .option('-p, --params <[file:]keys>', 'params keys, comma-separated, of params.yaml or FILE (repeatable)', collect)
    .option('-M, --metrics-no-cache <path>', 'a metrics file committed to Git (repeatable)', collect)
    .option('--plots <path>', 'a plots file (repeatable)', collect)
    .option('-w, --wdir <dir>', 'run the command in DIR (paths are relative to it)')
    .option('-f, --force', 'replace a stage of that name')
    .argument('<command...>', 'the command (after --)')
    .action(async (command: string[], opts: Record<string, string[] | string | boolean | undefined>, cmd: Command) => {
      // One argument is taken as written (a quoted shell line); several are joined with
      // shell quoting, as the shell would have seen them.
      const line = command.length === 1 ? command[0] : command.map(shellQuote).join(' ');
      const ctx = makeContext(cmd);
      const r = await (await import('../api/stageAdd.js')).stageAdd(ctx, {
        name: opts.name as string,
        cmd: line,
        deps: opts.deps as string[] | undefined,
        outs: opts.outs as string[] | undefined,
        outsNoCache: opts.outsNoCache as string[] | undefined,
        params: opts.params as string[] | undefined,
        metricsNoCache: opts.metricsNoCache as string[] | undefined,
        plots: opts.plots as string[] | undefined,
        wdir: opts.wdir as string | undefined,
        force: opts.force as boolean | undefined,
      });
      if (isQuiet(cmd)) return;
      const paths = userPaths(ctx);
      process.stdout.write(`${r.replaced ? 'replaced' : 'added'} stage ${r.name} in ${paths.show('dvd.yaml')}\n`);
      gitAdvice(cmd, paths, r, 'track the change');
    });
  stage.commands.forEach((c) => c.exitOverride());
}
