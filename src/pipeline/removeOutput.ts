import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';

/**
 * Delete a stage output before its command runs. Refuses (ESYMLINK) when a folder on the
 * way to it is a symbolic link: `out -> /etc` with output `out/passwd` would otherwise
 * delete outside the repository (DESIGN rule 4: never write through a symlink). The
 * output itself may be a link; then the link is removed, not what it points to.
 */
export function removeOutput(root: string, rel: string, stage: string): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const st = fs.lstatSync(path.join(root, dir), { throwIfNoEntry: false });
    if (!st) return; // nothing below a missing folder
    if (st.isSymbolicLink()) {
      throw new DvdError('ESYMLINK', `stage ${stage}: output ${rel} is under ${dir}, a symbolic link; dvd will not delete through it`, {
        hint: `replace ${dir} with a real folder`,
      });
    }
  }
  fs.rmSync(path.join(root, rel), { recursive: true, force: true });
}
