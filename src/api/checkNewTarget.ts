import fs from 'node:fs';
import path from 'node:path';
import { DvdError } from '../core/errors.js';
import { enclosingPointer, pointersNaming } from '../core/findPointers.js';
import { POINTER_EXT } from '../core/pointer.js';
import { checkoutTempError, isCheckoutTemp } from '../core/placeFile.js';
import { untrackableName } from '../core/trackableName.js';
import type { UserPaths } from '../core/userPaths.js';
import { isMetadataPath } from '../core/walkTarget.js';
import type { ResolvedTarget } from './resolveTargets.js';

/**
 * A path where `dvd move` or an import is about to create tracked data (as typed: `t.arg`):
 * a name dvd can record (no pointer or .gitignore name, no newline, CR, backslash or
 * U+2028/9, not in another tool's metadata folder), nothing there yet, no pointer file of
 * that name or naming it from another file (two pointers for one target, issue 9 A4), and
 * not inside tracked data. Throws DvdError naming the path; changes nothing.
 */
export function checkNewTarget(root: string, t: ResolvedTarget, paths: UserPaths, existsHint: string): void {
  const name = path.posix.basename(t.rel);
  if (name.endsWith(POINTER_EXT) || name === '.gitignore') throw new DvdError('EBADTARGET', `${t.arg}: dvd cannot track a file named ${JSON.stringify(name)}`);
  if (isCheckoutTemp(name)) throw checkoutTempError(t.arg);
  const badName = untrackableName(name);
  if (badName) throw new DvdError('EBADNAME', `${JSON.stringify(t.arg)}: cannot be tracked: its name ${badName}`, { hint: 'choose another name (dvd records names in text lines)' });
  if (isMetadataPath(t.rel)) throw new DvdError('EBADTARGET', `${t.arg}: inside another tool's repository metadata folder`);
  if (fs.lstatSync(t.abs, { throwIfNoEntry: false })) throw new DvdError('EEXIST', `${t.arg}: already exists`, { hint: existsHint });
  const pointerFile = `${t.rel}${POINTER_EXT}`;
  if (fs.existsSync(path.join(root, pointerFile))) throw new DvdError('EEXIST', `${paths.show(pointerFile)}: a pointer of that name already exists`, { hint: existsHint });
  const naming = pointersNaming(root)(t.rel);
  if (naming.length) throw new DvdError('EDUPTARGET', `${t.arg}: already named by ${naming.map((f) => paths.show(f)).join(', ')}`, { hint: 'choose a new name, or fix that pointer file' });
  const parent = path.posix.dirname(t.rel);
  const enclosing = parent === '.' ? null : enclosingPointer(root, parent, paths.cwd);
  if (enclosing) throw new DvdError('EBADTARGET', `${t.arg}: inside ${paths.show(enclosing.target)}, which dvd already tracks (${paths.show(enclosing.pointerFile)})`);
}
