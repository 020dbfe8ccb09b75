import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../core/errors.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';

// dvd's lines in a hook sit between these markers, so reinstalling replaces them and
// uninstalling removes exactly them. A shell hook gets the block after its shebang (so an
// `exit 0` at the end of the user's script cannot skip it); a hook in another language
// is moved aside to `<hook>.dvd-chained` and run by ours.
export const BEGIN = '# >>> dvd >>> added by `dvd install`; `dvd install --uninstall` removes it';
export const END = '# <<< dvd <<<';
export const CHAINED_SUFFIX = '.dvd-chained';

export type HookAction = 'created' | 'updated' | 'unchanged' | 'chained' | 'removed' | 'restored' | 'absent';

function stripBlock(text: string): string {
  const start = text.indexOf(BEGIN);
  if (start === -1) return text;
  const end = text.indexOf(END, start);
  if (end === -1) return text;
  let after = end + END.length;
  if (text[after] === '\n') after++;
  return text.slice(0, start) + text.slice(after);
}

const isShell = (text: string) => /^#!\s*(\/bin\/sh|\/bin\/bash|\/usr\/bin\/env (ba)?sh|\/bin\/dash|\/usr\/bin\/(ba)?sh)\b/.test(text);

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

function write(file: string, text: string): void {
  writeFileAtomic(file, text);
  fs.chmodSync(file, 0o755);
}

export interface HookOptions {
  /**
   * The hook reads stdin (pre-push gets the refs being pushed) into this shell variable.
   * A user's hook must still see that input, so it is always moved aside and fed the
   * saved input, instead of sharing one script (and one stdin) with dvd's lines.
   */
  stdinVar?: string;
}

/** Put `body` (shell lines) into hook `name` in `dir`, keeping whatever the hook did before. */
export function installHook(dir: string, name: string, body: string, opts: HookOptions = {}): HookAction {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const block = `${BEGIN}\n${body.trimEnd()}\n${END}\n`;
  const current = read(file);
  if (current === null) {
    write(file, `#!/bin/sh\n${block}`);
    return 'created';
  }
  const chained = `"$(dirname "$0")/${name}${CHAINED_SUFFIX}"`;
  const call = opts.stdinVar
    ? `if [ -n "$${opts.stdinVar}" ]; then printf '%s\\n' "$${opts.stdinVar}"; fi | ${chained} "$@"\nexit $?\n`
    : `exec ${chained} "$@"\n`;
  if (current.includes(BEGIN) && fs.existsSync(file + CHAINED_SUFFIX)) {
    // Ours already, chaining a moved-aside hook: refresh our lines only.
    const next = `#!/bin/sh\n${block}${call}`;
    if (next === current) return 'unchanged';
    write(file, next);
    return 'updated';
  }
  if (!isShell(current) || (opts.stdinVar && !current.includes(BEGIN))) {
    // Another language, or a hook that needs stdin: keep it as is under a new name and
    // call it after our block.
    fs.renameSync(file, file + CHAINED_SUFFIX);
    write(file, `#!/bin/sh\n${block}${call}`);
    return 'chained';
  }
  const stripped = stripBlock(current);
  const nl = stripped.indexOf('\n');
  const next = nl === -1 ? `${stripped}\n${block}` : `${stripped.slice(0, nl + 1)}${block}${stripped.slice(nl + 1)}`;
  if (next === current) return 'unchanged';
  write(file, next);
  // No block before: the user's hook now also runs ours.
  return current === stripped ? 'chained' : 'updated';
}

/** Remove what installHook added; restore a chained hook; delete a hook dvd created. */
export function uninstallHook(dir: string, name: string): HookAction {
  const file = path.join(dir, name);
  const current = read(file);
  if (current === null || !current.includes(BEGIN)) return 'absent';
  const chained = file + CHAINED_SUFFIX;
  if (fs.existsSync(chained)) {
    fs.renameSync(chained, file);
    return 'restored';
  }
  const stripped = stripBlock(current);
  if (stripped.trim() === '#!/bin/sh') {
    fs.rmSync(file);
    return 'removed';
  }
  write(file, stripped);
  return 'removed';
}
