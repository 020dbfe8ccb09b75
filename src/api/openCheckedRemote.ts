import type { FlatConfig } from '../core/config.js';
import { openRemote, remoteName, type OpenedRemote, type OpenRemoteOptions } from '../remote/openRemote.js';
import { checkRemoteConfig } from './configKeys.js';

/**
 * Open remote `name` (or core.remote) for a command: its settings are checked first with
 * the rules `dvd config` applies when a value is typed (checkRemoteConfig), so a value
 * edited in by hand fails before any request; then openRemote builds it. Throws
 * ENOREMOTE, ECONFIG, EBADURL or ESECRETINCONFIG (exit 1).
 */
export function openCheckedRemote(root: string, config: FlatConfig, name: string | undefined, opts: OpenRemoteOptions = {}): OpenedRemote {
  checkRemoteConfig(root, config, remoteName(config, name));
  return openRemote(root, config, name, opts);
}
