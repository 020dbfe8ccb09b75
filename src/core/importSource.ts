import { DvdError } from './errors.js';
import { checkRelPath } from './relPath.js';
import { quoteText } from './quoteText.js';

// Where imported data came from, recorded at the end of its pointer so `dvd update` can
// look again and `dvd pull` can fetch from the source. Written by `dvd import`:
//   source: git
//   repo: ../registry             URL as typed, or a local path relative to the repo root
//   repo_path: data/images        the tracked path inside that repository
//   rev: v2                       only when --rev was given (update follows it; else HEAD)
//   commit: <40 or 64 hex>        the commit the data was taken from
// and by `dvd import-url`:
//   source: url
//   url: s3://bucket/raw/2024     or a folder path / file:// URL
//   stamp: "s3:..."               what the source looked like (ETags and sizes, or sizes
//                                 and mtimes): compared by update before anything is read
// Same rules as the rest of the pointer: fixed key order, strings plain or JSON-quoted,
// nothing dvd would not write itself.
export type ImportSource =
  | { kind: 'git'; repo: string; path: string; rev?: string; commit: string }
  | { kind: 'url'; url: string; stamp: string };

const PLAIN_RE = /^[A-Za-z0-9_./][A-Za-z0-9_.+@=,:/~-]*$/;

/** A YAML scalar that reads back as `s`: plain when safe, else a JSON (double-quoted) string. */
function str(s: string): string {
  // Quoted when YAML would read it as something else: a boolean, null, a number (5, -1, .5, .inf).
  const special = /^(true|false|null|yes|no|on|off|~)$/i.test(s) || /^[-+]?\.?[0-9]/.test(s) || /^[-+]?\.(inf|nan)$/i.test(s);
  return PLAIN_RE.test(s) && !special && !s.includes(': ') ? s : JSON.stringify(s);
}

export function serializeImportSource(s: ImportSource): string {
  if (s.kind === 'git') {
    return `source: git\nrepo: ${str(s.repo)}\nrepo_path: ${str(s.path)}\n${s.rev !== undefined ? `rev: ${str(s.rev)}\n` : ''}commit: ${s.commit}\n`;
  }
  return `source: url\nurl: ${str(s.url)}\nstamp: ${str(s.stamp)}\n`;
}

const COMMIT_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Parse the source block (`text` starts at its `source:` line, `firstLine` is that line's
 * number in the pointer file). Errors name file, line and field like the pointer's own.
 */
export function parseImportSource(text: string, file: string, firstLine: number): ImportSource {
  const fail = (line: number, field: string | null, msg: string) =>
    new DvdError('EBADPOINTER', `${file}:${line}: ${field ? `${field}: ` : ''}${msg}`, {
      hint: 'pointer files are written by dvd: restore this one from Git, or import its target again',
      data: { file, line, field, conflict: false },
    });
  const lines = text.split('\n');
  lines.pop(); // the final newline (the caller checked it is there)
  const fields = new Map<string, { value: string; line: number }>();
  lines.forEach((raw, i) => {
    const m = /^([a-z_]+): (.+)$/.exec(raw);
    if (!m) throw fail(firstLine + i, null, `cannot parse line ${quoteText(raw)} (expected "key: value")`);
    let value = m[2];
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value);
      } catch {
        throw fail(firstLine + i, m[1], 'bad quoted string');
      }
    }
    fields.set(m[1], { value, line: firstLine + i });
  });
  const kind = fields.get('source')!.value;
  const need = (k: string) => {
    const f = fields.get(k);
    if (!f) throw fail(firstLine + lines.length, k, `missing (required for source ${kind})`);
    return f;
  };
  let s: ImportSource;
  if (kind === 'git') {
    const p = need('repo_path');
    try {
      checkRelPath(p.value, 'repo_path');
    } catch (err) {
      throw fail(p.line, 'repo_path', (err as Error).message.replace(/^repo_path: /, ''));
    }
    const commit = need('commit');
    if (!COMMIT_RE.test(commit.value)) throw fail(commit.line, 'commit', `bad commit ${quoteText(commit.value, 80)} (expected 40 or 64 lowercase hex)`);
    s = { kind: 'git', repo: need('repo').value, path: p.value, commit: commit.value };
    if (fields.has('rev')) s.rev = fields.get('rev')!.value;
  } else if (kind === 'url') {
    s = { kind: 'url', url: need('url').value, stamp: need('stamp').value };
  } else {
    throw fail(firstLine, 'source', `unknown source ${quoteText(kind)} (expected git or url)`);
  }
  // Unknown keys, duplicates and order all show up here: the text is not what dvd writes.
  if (serializeImportSource(s) !== text) {
    const known = kind === 'git' ? ['source', 'repo', 'repo_path', 'rev', 'commit'] : ['source', 'url', 'stamp'];
    const unknown = [...fields.entries()].find(([k]) => !known.includes(k));
    if (unknown) throw fail(unknown[1].line, unknown[0], `unknown field for source ${kind}`);
    throw fail(firstLine, null, 'source block not in canonical form (order, spaces or quoting)');
  }
  return s;
}
