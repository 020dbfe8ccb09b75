import { isUtf8 } from 'node:buffer';
import { DvdError } from './errors.js';
import { checkRelPath } from './relPath.js';
import { parseImportSource, serializeImportSource, type ImportSource } from './importSource.js';
import { formatOid, OID_RE } from './oid.js';
import { quoteText } from './quoteText.js';

// The pointer file Git tracks instead of the data. Fixed key order, strict parse,
// byte-stable round trip (git-lfs's pointer.go habit): parse(serialize(p)) == p and
// serialize(parse(text)) == text for every valid LF text (CRLF and a missing final
// newline parse too, and are written back as LF).
export interface Pointer {
  /** Target name, relative to the pointer's folder (one path segment). */
  path: string;
  type: 'file' | 'dir';
  /** Bare hex SHA-256: the file content, or the directory manifest. */
  oid: string;
  size: number;
  /** Files only: the executable bit, present only when set (as manifests record it per file). */
  exec?: true;
  /** Directories only. */
  files?: number;
  /** Imported data only (`dvd import`, `dvd import-url`): where it came from (importSource.ts). */
  source?: ImportSource;
}

export const POINTER_EXT = '.dvd';

// Which `*.dvd` files are pointers. A user's data may carry the extension too (a DVD
// image, `disc.dvd`); reading every such file as a broken pointer made status exit 1
// and print its bytes, and made its folder impossible to add. A pointer is small text:
// files of at most POINTER_MAX_BYTES that start as dvd writes them (`path:`) or as a
// merge conflict does (`<<<<<<<`) are pointers, and so, damaged ones, are other small
// text files (no NUL byte, valid UTF-8): taking a garbled pointer for data would let gc
// drop what it tracked. Anything binary or larger is data.
/** The largest file read as a pointer: dvd's own are ~200 bytes, ~1 KiB with a long import URL. */
export const POINTER_MAX_BYTES = 64 * 1024;
const POINTER_STARTS = [Buffer.from('path:'), Buffer.from('<<<<<<<')];

/** Whether a file of `size` bytes whose content is `bytes` is a pointer, maybe a damaged one (see above). */
export function looksLikePointer(bytes: Uint8Array, size: number): boolean {
  if (size > POINTER_MAX_BYTES) return false;
  if (POINTER_STARTS.some((s) => bytes.length >= s.length && Buffer.compare(bytes.subarray(0, s.length), s) === 0)) return true;
  return !bytes.includes(0) && isUtf8(bytes);
}

// Plain YAML scalars we emit unquoted; anything else is written as a JSON string,
// which is also a valid YAML double-quoted scalar.
const PLAIN_RE = /^[A-Za-z0-9_][A-Za-z0-9_.+@=,-]*$/;

function serializeString(s: string): string {
  return PLAIN_RE.test(s) && !/^(true|false|null|yes|no|on|off|~|[0-9.+-].*)$/i.test(s) ? s : JSON.stringify(s);
}

export function serializePointer(p: Pointer): string {
  let out = `path: ${serializeString(p.path)}\ntype: ${p.type}\noid: ${formatOid(p.oid)}\nsize: ${p.size}\n`;
  if (p.type === 'file' && p.exec) out += 'exec: true\n';
  if (p.type === 'dir') out += `files: ${p.files ?? 0}\n`;
  if (p.source) out += serializeImportSource(p.source);
  return out;
}

/** Parse a pointer: the data fields, then an imported target's `source:` block if any. */
export function parsePointer(text: string, file: string): Pointer {
  // CRLF line ends (a clone with core.autocrlf=true) and a missing final newline (an
  // editor) carry the same fields, so they parse as the LF text dvd writes (DESIGN
  // Amendments). A CR anywhere else is not a line end and fails the canonical checks.
  // This runs first: the split at the source block and both checks see the LF text.
  const lf = text.replace(/\r\n/g, '\n');
  const canonical = lf === '' || lf.endsWith('\n') ? lf : `${lf}\n`;
  // Conflict markers anywhere, the source block included, are a conflict to resolve.
  const lines = canonical.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^(<{7}|={7}|>{7}|\|{7})( |$)/.test(lines[i])) {
      throw badPointer(file, i + 1, null, 'has unresolved Git conflict markers', true);
    }
  }
  const at = canonical.startsWith('source: ') ? 0 : canonical.indexOf('\nsource: ') + 1;
  if (at <= 0) return parseDataFields(canonical, file);
  const p = parseDataFields(canonical.slice(0, at), file);
  p.source = parseImportSource(canonical.slice(at), file, canonical.slice(0, at).split('\n').length);
  return p;
}

// Hints stay general here: the caller knows whether the file is in the workspace (and
// then names the command that fixes it) or in a commit (findPointers.ts).
function badPointer(file: string, line: number, field: string | null, msg: string, conflict = false): DvdError {
  return new DvdError('EBADPOINTER', `${file}:${line}: ${field ? `${field}: ` : ''}${msg}`, {
    hint: conflict
      ? 'resolve the conflict: take one side with git checkout --ours/--theirs, or run `dvd install` so the merge driver merges directory pointers'
      : 'pointer files are written by dvd: restore this one from Git, or re-add its target',
    data: { file, line, field, conflict },
  });
}

/** The data fields of a pointer: `canonical` is LF text ending in a newline, without a source block. */
function parseDataFields(canonical: string, file: string): Pointer {
  const fail = (line: number, field: string | null, msg: string) => badPointer(file, line, field, msg);
  const lines = canonical.split('\n');
  lines.pop();
  // exec (files) and files (directories) are optional; the others are required, in order.
  const order = ['path', 'type', 'oid', 'size', 'exec', 'files'];
  const values = new Map<string, { value: string; line: number }>();
  let next = 0;
  lines.forEach((raw, i) => {
    const m = /^([a-z]+): (.+)$/.exec(raw);
    if (!m) throw fail(i + 1, null, `cannot parse line ${quoteText(raw)} (expected "key: value")`);
    const [, key, value] = m;
    const at = order.indexOf(key);
    if (at === -1) throw fail(i + 1, key, 'unknown field');
    if (at < next || (next < 4 && at !== next)) throw fail(i + 1, key, `out of order (expected ${order[next] ?? 'end of file'} here)`);
    next = at + 1;
    values.set(key, { value, line: i + 1 });
  });
  for (const key of ['path', 'type', 'oid', 'size']) {
    if (!values.has(key)) throw fail(lines.length + 1, key, 'missing');
  }
  const pathField = values.get('path')!;
  let targetPath: string;
  if (pathField.value.startsWith('"')) {
    try {
      targetPath = JSON.parse(pathField.value);
    } catch {
      throw fail(pathField.line, 'path', 'bad quoted string');
    }
    if (typeof targetPath !== 'string') throw fail(pathField.line, 'path', 'bad quoted string');
  } else {
    targetPath = pathField.value;
  }
  try {
    checkRelPath(targetPath, 'path');
  } catch (err) {
    throw fail(pathField.line, 'path', (err as Error).message.replace(/^path: /, ''));
  }
  if (targetPath.includes('/')) throw fail(pathField.line, 'path', `${quoteText(targetPath)} must name the target beside the pointer (no '/')`);
  if (targetPath.endsWith(POINTER_EXT)) throw fail(pathField.line, 'path', 'a target cannot itself be a pointer file');

  const typeField = values.get('type')!;
  if (typeField.value !== 'file' && typeField.value !== 'dir') {
    throw fail(typeField.line, 'type', `unknown type ${quoteText(typeField.value)} (expected file or dir)`);
  }
  const type = typeField.value;
  const oidField = values.get('oid')!;
  const om = /^sha256:(.*)$/.exec(oidField.value);
  if (!om || !OID_RE.test(om[1])) throw fail(oidField.line, 'oid', `bad oid ${quoteText(oidField.value, 80)} (expected sha256:<64 lowercase hex>)`);
  const size = parseCount(values.get('size')!, 'size', fail);
  const execField = values.get('exec');
  if (execField) {
    if (type !== 'file') throw fail(execField.line, 'exec', 'only allowed for type file');
    if (execField.value !== 'true') throw fail(execField.line, 'exec', `must be true (omit the line when the file is not executable), got ${quoteText(execField.value)}`);
  }
  let files: number | undefined;
  const filesField = values.get('files');
  if (type === 'dir') {
    if (!filesField) throw fail(lines.length + 1, 'files', 'missing (required for type dir)');
    files = parseCount(filesField, 'files', fail);
  } else if (filesField) {
    throw fail(filesField.line, 'files', 'only allowed for type dir');
  }
  const p: Pointer = { path: targetPath, type, oid: om[1], size };
  if (execField) p.exec = true;
  if (files !== undefined) p.files = files;
  // Strictness includes the spelling: a pointer we would write differently is not ours.
  if (serializePointer(p) !== canonical) throw fail(1, null, 'not in canonical form (extra spaces or quoting)');
  return p;
}

function parseCount(
  f: { value: string; line: number },
  key: string,
  fail: (line: number, field: string, msg: string) => DvdError,
): number {
  if (!/^(0|[1-9][0-9]*)$/.test(f.value)) throw fail(f.line, key, `not a non-negative integer: ${quoteText(f.value)}`);
  const n = Number(f.value);
  if (!Number.isSafeInteger(n)) throw fail(f.line, key, 'too large');
  return n;
}
