import path from 'node:path';
import { configFile, editConfigFile, loadConfig, readConfigFile, type ConfigLevel } from '../core/config.js';
import type { ConfigDocument } from '../core/configDocument.js';
import { DvdError, usageError } from '../core/errors.js';
import { requireRepoRoot } from '../core/repo.js';
import { shellPath } from '../core/userPaths.js';
import { remoteNames } from '../remote/openRemote.js';
import { parseRemoteUrl } from '../remote/remoteUrl.js';
import { checkConfigValue, checkRemoteKey, REMOTE_KEYS, REMOTE_NAME_RE, SECRET_KEYS } from './configKeys.js';
import { dvdShareOf, type ApiContext } from './context.js';

// `dvd remote add|list|remove|default|modify`: a thin, validating layer over the
// `[remote "NAME"]` sections and `core.remote`, like `git remote` over .git/config.

export interface RemoteInfo {
  name: string;
  url: string;
  default: boolean;
  /** Every key of the remote except secrets, merged over the levels. */
  settings: Record<string, string>;
}

function checkName(name: string): void {
  if (!REMOTE_NAME_RE.test(name)) throw usageError(`bad remote name ${JSON.stringify(name)} (letters, digits, '.', '_', '-')`);
}

function levelOf(local: boolean | undefined): ConfigLevel {
  return local ? 'local' : 'repo';
}

function update<T>(root: string, level: ConfigLevel, fn: (doc: ConfigDocument) => T): T {
  return editConfigFile(configFile(level, root, dvdShareOf(root)), fn);
}

function requireRemote(root: string, name: string): void {
  const cfg = loadConfig(root, dvdShareOf(root));
  if (!cfg.has(`remote.${name}.url`)) {
    const known = remoteNames(cfg);
    throw new DvdError('ENOREMOTE', `no remote named ${JSON.stringify(name)}`, {
      hint: known.length ? `known remotes: ${known.join(', ')}` : 'add one with `dvd remote add NAME URL`',
    });
  }
}

/**
 * A folder remote typed on the command line is relative to the folder dvd runs in; the
 * config stores folders relative to the repository root (docs/remotes.md), so the
 * same remote is found from anywhere. URLs (any case of the scheme), `~` forms and
 * absolute paths are kept as typed.
 */
function urlForConfig(url: string, root: string, cwd: string): string {
  const kept = /^[a-z][a-z0-9+.-]*:/i.test(url) || url === '~' || url.startsWith('~/') || path.isAbsolute(url);
  if (parseRemoteUrl(url, root).kind !== 'local' || kept) return url;
  return path.relative(root, path.resolve(cwd, url)).split(path.sep).join('/') || '.';
}

export function remoteAdd(ctx: ApiContext, o: { name: string; url: string; setDefault?: boolean; local?: boolean; force?: boolean }): RemoteInfo {
  const root = requireRepoRoot(ctx.cwd);
  checkName(o.name);
  const url = urlForConfig(o.url, root, ctx.cwd);
  checkConfigValue(`remote.${o.name}.url`, url, { root, level: levelOf(o.local) });
  if (!o.force && loadConfig(root, dvdShareOf(root)).has(`remote.${o.name}.url`)) {
    throw new DvdError('EEXISTS', `remote ${JSON.stringify(o.name)} already exists`, {
      exitCode: 2,
      hint: `change its url with \`dvd remote modify ${o.name} url ${shellPath(o.url)}\`, or pass -f to replace it`,
    });
  }
  update(root, levelOf(o.local), (doc) => {
    doc.set(`remote.${o.name}.url`, url);
    if (o.setDefault) doc.set('core.remote', o.name);
  });
  return remoteList(ctx).find((r) => r.name === o.name)!;
}

export function remoteList(ctx: ApiContext): RemoteInfo[] {
  const root = requireRepoRoot(ctx.cwd);
  const cfg = loadConfig(root, dvdShareOf(root));
  const dflt = cfg.get('core.remote');
  return remoteNames(cfg).map((name) => {
    const settings: Record<string, string> = {};
    for (const key of REMOTE_KEYS) {
      const v = cfg.get(`remote.${name}.${key}`);
      if (v !== undefined && key !== 'url' && !SECRET_KEYS.has(key)) settings[key] = v;
    }
    return { name, url: cfg.get(`remote.${name}.url`)!, default: name === dflt, settings };
  });
}

export function remoteRemove(ctx: ApiContext, o: { name: string }): { name: string; wasDefault: boolean } {
  const root = requireRepoRoot(ctx.cwd);
  requireRemote(root, o.name);
  let wasDefault = false;
  for (const level of ['repo', 'local'] as const) {
    update(root, level, (doc) => {
      doc.removeSection('remote', o.name);
      if (doc.get('core.remote') === o.name) {
        doc.unset('core.remote');
        wasDefault = true;
      }
    });
  }
  return { name: o.name, wasDefault };
}

/** Show the default remote (name undefined) or set it. */
export function remoteDefault(ctx: ApiContext, o: { name?: string; local?: boolean; unset?: boolean }): { name: string | undefined } {
  const root = requireRepoRoot(ctx.cwd);
  if (o.unset) {
    update(root, levelOf(o.local), (doc) => doc.unset('core.remote'));
    return { name: loadConfig(root, dvdShareOf(root)).get('core.remote') };
  }
  if (o.name === undefined) return { name: loadConfig(root, dvdShareOf(root)).get('core.remote') };
  requireRemote(root, o.name);
  update(root, levelOf(o.local), (doc) => doc.set('core.remote', o.name!));
  return { name: o.name };
}

export function remoteModify(ctx: ApiContext, o: { name: string; key: string; value?: string; local?: boolean; unset?: boolean }): { name: string; key: string; value?: string } {
  const root = requireRepoRoot(ctx.cwd);
  requireRemote(root, o.name);
  checkRemoteKey(o.key);
  const full = `remote.${o.name}.${o.key}`;
  const level = levelOf(o.local);
  if (o.unset) {
    if (o.key === 'url') throw usageError('a remote needs a url; use `dvd remote remove NAME` to drop it');
    update(root, level, (doc) => doc.unset(full));
    return { name: o.name, key: o.key };
  }
  if (o.value === undefined) throw usageError(`missing VALUE for ${o.key}`);
  // Validate now (the value as stored), so a typo fails here and not in the middle of a push.
  const value = o.key === 'url' ? urlForConfig(o.value, root, ctx.cwd) : o.value;
  checkConfigValue(full, value, { root, level });
  update(root, level, (doc) => doc.set(full, value));
  return { name: o.name, key: o.key, value };
}

/**
 * Rename a remote in every config level that defines it (its settings and secrets move
 * with it) and in core.remote wherever that named it, like `git remote rename`.
 */
export function remoteRename(ctx: ApiContext, o: { from: string; to: string }): { from: string; to: string; wasDefault: boolean } {
  const root = requireRepoRoot(ctx.cwd);
  requireRemote(root, o.from);
  checkName(o.to);
  // The "already exists" refusal below would tell the user to remove the very remote being renamed.
  if (o.to === o.from) throw usageError(`remote ${JSON.stringify(o.from)} is already called that`, 'give a new name: `dvd remote rename OLD NEW`');
  const merged = loadConfig(root, dvdShareOf(root));
  if ([...merged.keys()].some((k) => k.startsWith(`remote.${o.to}.`))) {
    throw new DvdError('EEXISTS', `remote ${JSON.stringify(o.to)} already exists`, { exitCode: 2, hint: `remove it first with \`dvd remote remove ${o.to}\`` });
  }
  let wasDefault = false;
  for (const level of ['user', 'repo', 'local'] as const) {
    if (![...readConfigFile(configFile(level, root, dvdShareOf(root))).keys()].some((k) => k.startsWith(`remote.${o.from}.`) || k === 'core.remote')) continue;
    update(root, level, (doc) => {
      doc.renameSection('remote', o.from, o.to);
      if (doc.get('core.remote') === o.from) {
        doc.set('core.remote', o.to);
        wasDefault = true;
      }
    });
  }
  return { from: o.from, to: o.to, wasDefault };
}
