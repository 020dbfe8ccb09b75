import type { Command } from 'commander';
import { makeContext } from './context.js';
import { reportProblems } from './reportProblems.js';
import { formatBytes, plural, throwIfFailed } from './transferReport.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

// Hidden: the pre-push hook that `dvd install` writes runs it with Git's stdin.
export function registerPrePush(program: Command): void {
  program
    .command('pre-push', { hidden: true })
    .description("Git pre-push hook: push the data of every commit being pushed (reads Git's ref lines on stdin)")
    .argument('<remote>', "the Git remote's name (the hook's $1)")
    .argument('[url]', "the Git remote's URL (the hook's $2; unused)")
    .action(async (remote: string, _url: string | undefined, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const { parsePrePushInput, prePush } = await import('../api/prePush.js');
      const r = await prePush(ctx, { gitRemote: remote, refs: parsePrePushInput(await readStdin()) });
      const of = `the data of ${plural(r.commits, 'commit')} and the workspace`;
      if (r.uploaded === 0 && r.failed.length === 0) ctx.log.info(`dvd: ${of}: everything is already on ${r.remote}`);
      else ctx.log.info(`dvd: ${of}: pushed ${plural(r.uploaded, 'object')} (${formatBytes(r.bytes)}) to ${r.remote}; ${r.alreadyPresent} already there`);
      reportProblems(r.problems);
      throwIfFailed('push', r.failed, r.remote);
    });
}
