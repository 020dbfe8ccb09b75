import { configFile, loadConfig, readConfigFile, writeConfigFile, type ConfigLevel } from '../core/config.js';
import { DvdError, usageError } from '../core/errors.js';
import { requireRepoRoot } from '../core/repo.js';
import { remoteNames } from '../remote/openRemote.js';
import { checkRemoteKey, checkRemoteValue, REMOTE_KEYS, remoteSettingsProblem } from '../remote/remoteSettings.js';
import { parseRemoteUrl } from '../remote/remoteUrl.js';
import { checkSecretLevel } from './config.js';
import type { ApiContext } from './context.js';

// `dvd remote add|list|remove|default|modify`: a thin, validating layer over the
// `[remote "NAME"]` sections and `core.remote`, like `git remote` over .git/config.

export interface RemoteInfo {
  name: string;
  url: string;
  default: boolean;
  /** Every key of the remote except secrets, merged over the levels. */
  settings: Record<string, string>;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(name: string): void {
  if (!NAME_RE.test(name)) throw usageError(`bad remote name ${JSON.stringify(name)} (letters, digits, '.', '_', '-')`);
}

function levelOf(local: boolean | undefined): ConfigLevel {
  return local ? 'local' : 'repo';
}

function update(root: string, level: ConfigLevel, fn: (cfg: Map<string, string>) => void): void {
  const file = configFile(level, root);
  const cfg = readConfigFile(file);
  fn(cfg);
  writeConfigFile(file, cfg);
}

function requireRemote(root: string, name: string): void {
  const cfg = loadConfig(root);
  if (!cfg.has(`remote.${name}.url`)) {
    const known = remoteNames(cfg);
    throw new DvdError('ENOREMOTE', `no remote named ${JSON.stringify(name)}`, {
      hint: known.length ? `known remotes: ${known.join(', ')}` : 'add one with `dvd remote add NAME URL`',
    });
  }
}

export function remoteAdd(ctx: ApiContext, o: { name: string; url: string; setDefault?: boolean; local?: boolean; force?: boolean }): RemoteInfo {
  const root = requireRepoRoot(ctx.cwd);
  checkName(o.name);
  parseRemoteUrl(o.url, root);
  if (!o.force && loadConfig(root).has(`remote.${o.name}.url`)) {
    throw new DvdError('EEXISTS', `remote ${JSON.stringify(o.name)} already exists`, {
      exitCode: 2,
      hint: `change its url with \`dvd remote modify ${o.name} url ${o.url}\`, or pass -f to replace it`,
    });
  }
  update(root, levelOf(o.local), (cfg) => {
    cfg.set(`remote.${o.name}.url`, o.url);
    if (o.setDefault) cfg.set('core.remote', o.name);
  });
  return remoteList(ctx).find((r) => r.name === o.name)!;
}

export function remoteList(ctx: ApiContext): RemoteInfo[] {
  const root = requireRepoRoot(ctx.cwd);
  const cfg = loadConfig(root);
  const dflt = cfg.get('core.remote');
  return remoteNames(cfg).map((name) => {
    const settings: Record<string, string> = {};
    for (const key of REMOTE_KEYS) {
      const v = cfg.get(`remote.${name}.${key}`);
      if (v !== undefined && key !== 'url' && !/secret|token/.test(key)) settings[key] = v;
    }
    return { name, url: cfg.get(`remote.${name}.url`)!, default: name === dflt, settings };
  });
}

export function remoteRemove(ctx: ApiContext, o: { name: string }): { name: string; wasDefault: boolean } {
  const root = requireRepoRoot(ctx.cwd);
  requireRemote(root, o.name);
  let wasDefault = false;
  for (const level of ['repo', 'local'] as const) {
    update(root, level, (cfg) => {
      for (const k of [...cfg.keys()]) if (k.startsWith(`remote.${o.name}.`)) cfg.delete(k);
      if (cfg.get('core.remote') === o.name) {
        cfg.delete('core.remote');
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
    update(root, levelOf(o.local), (cfg) => cfg.delete('core.remote'));
    return { name: loadConfig(root).get('core.remote') };
  }
  if (o.name === undefined) return { name: loadConfig(root).get('core.remote') };
  requireRemote(root, o.name);
  update(root, levelOf(o.local), (cfg) => cfg.set('core.remote', o.name!));
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
    update(root, level, (cfg) => cfg.delete(full));
    return { name: o.name, key: o.key };
  }
  if (o.value === undefined) throw usageError(`missing VALUE for ${o.key}`);
  checkSecretLevel(full, level);
  checkRemoteValue(o.key, o.value, full, root);
  const merged = loadConfig(root);
  merged.set(full, o.value);
  const combined = remoteSettingsProblem((k) => merged.get(`remote.${o.name}.${k}`), o.name);
  if (combined) throw usageError(combined);
  update(root, level, (cfg) => cfg.set(full, o.value!));
  return { name: o.name, key: o.key, value: o.value };
}
