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
import { registerGc } from './gc.js';
import { registerGet } from './get.js';
import { registerMove } from './move.js';
import { registerUnprotect } from './unprotect.js';
import { registerCache } from './cache.js';
import { registerVersion } from './version.js';

// Every subcommand lives in its own file under src/cli and registers itself here.
export function registerCommands(program: Command): void {
  registerInit(program);
  registerAdd(program);
  registerStatus(program);
  registerCommit(program);
  registerCheckout(program);
  registerUntrack(program);
  registerVerify(program);
  registerPush(program);
  registerFetch(program);
  registerPull(program);
  registerRemote(program);
  registerConfig(program);
  registerDiff(program);
  registerLs(program);
  registerInstall(program);
  registerMergeDriver(program);
  registerGc(program);
  registerGet(program);
  registerMove(program);
  registerUnprotect(program);
  registerCache(program);
  registerVersion(program);
}
