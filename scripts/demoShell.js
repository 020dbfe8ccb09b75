// What both demos share: a temp base folder with its own Git identity and dvd user
// config, `run`, which prints each command, runs it there (`dvd` is this checkout's
// bin/dvd.js) and stops the demo with a message if it fails, and `shareAndClone`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const project = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dvdBin = path.join(project, 'bin', 'dvd.js');

/** A fresh temp folder (`prefix` names it) and a `run(cwd, cmd, ...args)` that returns the command's stdout. */
export function demoShell(prefix) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'dvd demo', GIT_AUTHOR_EMAIL: 'demo@example.com',
    GIT_COMMITTER_NAME: 'dvd demo', GIT_COMMITTER_EMAIL: 'demo@example.com',
    XDG_CONFIG_HOME: path.join(base, 'xdg'),
  };
  const run = (cwd, cmd, ...args) => {
    process.stdout.write(`\n[${path.relative(base, cwd) || '.'}]$ ${cmd} ${args.join(' ')}\n`);
    const file = cmd === 'dvd' ? process.execPath : cmd;
    const argv = cmd === 'dvd' ? [dvdBin, ...args] : args;
    try {
      const out = execFileSync(file, argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      process.stdout.write(out);
      return out;
    } catch (err) {
      process.stdout.write(err.stdout ?? '');
      process.stderr.write(`\nFAILED: ${cmd} ${args.join(' ')} exited ${err.status}\n`);
      process.exit(1);
    }
  };
  /**
   * Share `work` as a team would: a folder remote (committed as the default), `dvd push`,
   * then a `git clone` and `dvd pull` there. Returns the clone's path.
   */
  const shareAndClone = (work) => {
    const store = path.join(base, 'dvd-store');
    fs.mkdirSync(store);
    run(work, 'dvd', 'remote', 'add', '-d', 'storage', store);
    run(work, 'git', 'add', '.dvd/config');
    run(work, 'git', 'commit', '-qm', 'Configure the dvd remote');
    run(work, 'dvd', 'push');
    const clone = path.join(base, 'clone');
    run(base, 'git', 'clone', '-q', work, clone);
    run(clone, 'dvd', 'pull');
    return clone;
  };
  return { base, run, shareAndClone };
}
