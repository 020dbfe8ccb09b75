import type { Command } from 'commander';
import { registerAdd } from './add.js';
import { registerCheckout } from './checkout.js';
import { registerCommit } from './commit.js';
import { registerInit } from './init.js';
import { registerStatus } from './status.js';
import { registerUntrack } from './untrack.js';
import { registerVerify } from './verify.js';
import { registerConfig } from './config.js';
import { registerFetch } from './fetch.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';
import { registerRemote } from './remote.js';
import { registerDiff } from './diff.js';
import { registerLs } from './ls.js';
import { registerInstall } from './install.js';
import { registerMergeDriver } from './mergeDriver.js';
import { registerPrePush } from './prePush.js';
import { registerGc } from './gc.js';
import { registerGet } from './get.js';
import { registerMove } from './move.js';
import { registerUnprotect } from './unprotect.js';
import { registerCache } from './cache.js';
import { registerVersion } from './version.js';
import { registerImport } from './importData.js';
import { registerCompletion } from './completion.js';
import { registerStage } from './stage.js';
import { registerDag } from './dag.js';
import { registerRepro } from './repro.js';
import { registerArtifact } from './artifact.js';
import { registerCheckIgnore } from './checkIgnore.js';
import { registerMetrics } from './metrics.js';
import { registerParams } from './params.js';
import { registerPlots } from './plots.js';
import { registerExp } from './exp.js';

/** One file's registration: the top-level names (and aliases) it adds, in help order. */
export interface CommandFile {
  names: string[];
  register: (program: Command) => void;
  /** Its action reads the whole command tree (completion lists every command and option). */
  wholeTree?: true;
}

// Every subcommand lives in its own file under src/cli and registers itself here. The
// names let main.ts build only the command argv names (a test checks them against what
// each register function adds); the order is the order `dvd --help` lists them in.
export const COMMAND_FILES: CommandFile[] = [
  { names: ['init'], register: registerInit },
  { names: ['add'], register: registerAdd },
  { names: ['status'], register: registerStatus },
  { names: ['commit'], register: registerCommit },
  { names: ['checkout'], register: registerCheckout },
  { names: ['untrack', 'remove'], register: registerUntrack },
  { names: ['verify'], register: registerVerify },
  { names: ['push'], register: registerPush },
  { names: ['fetch'], register: registerFetch },
  { names: ['pull'], register: registerPull },
  { names: ['remote'], register: registerRemote },
  { names: ['config'], register: registerConfig },
  { names: ['diff'], register: registerDiff },
  { names: ['ls'], register: registerLs },
  { names: ['install'], register: registerInstall },
  { names: ['merge-driver'], register: registerMergeDriver },
  { names: ['pre-push'], register: registerPrePush },
  { names: ['gc'], register: registerGc },
  { names: ['get'], register: registerGet },
  { names: ['move'], register: registerMove },
  { names: ['unprotect'], register: registerUnprotect },
  { names: ['cache'], register: registerCache },
  { names: ['version', 'doctor'], register: registerVersion },
  { names: ['import', 'import-url', 'update'], register: registerImport },
  { names: ['stage'], register: registerStage },
  { names: ['dag'], register: registerDag },
  { names: ['repro'], register: registerRepro },
  { names: ['artifact'], register: registerArtifact },
  { names: ['completion'], register: registerCompletion, wholeTree: true },
  { names: ['check-ignore'], register: registerCheckIgnore },
  { names: ['params'], register: registerParams },
  { names: ['metrics'], register: registerMetrics },
  { names: ['plots'], register: registerPlots },
  { names: ['exp'], register: registerExp },
];

/** Register the given files' commands (all of them unless told), in help order. */
export function registerCommands(program: Command, files: CommandFile[] = COMMAND_FILES): void {
  for (const f of files) f.register(program);
}
