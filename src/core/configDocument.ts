import { DvdError } from './errors.js';
import { quoteText } from './quoteText.js';

// A git-config file kept as its lines, so an edit changes only the lines it must:
// comments, blank lines, unknown sections and the user's spacing survive every write.
// The `ini` package we used before parsed into objects and wrote them back, which lost
// comments and cut values at `#` and `;`; the INI packages that keep comments do not
// speak git's quoting (`"..."` with backslash escapes, `[remote "name"]` subsections).
// Grammar (the subset of git-config(1) dvd reads and writes):
//   [section]  or  [section "subsection"]   (\" and \\ inside the quotes)
//   key = value      value: leading/trailing blanks dropped; "..." quotes (with \" \\ \n \t
//                    escapes) keep blanks, '#' and ';'; an unquoted '#' or ';' starts a comment
//   key              a bare key means true
//   # or ; comment   blank lines
// Section names and keys are case-insensitive (stored lowercase); subsections are not.

interface SectionLine {
  kind: 'section';
  section: string;
  sub?: string;
}
interface EntryLine {
  kind: 'entry';
  section: string;
  sub?: string;
  name: string;
  value: string;
  /** A comment after the value (`  ; why`, with the blanks before it), kept when the value is replaced. */
  comment?: string;
}
interface OtherLine {
  kind: 'other';
}
type Line = { text: string } & (SectionLine | EntryLine | OtherLine);

export interface ConfigKey {
  section: string;
  sub?: string;
  name: string;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** `remote.my.store.url` -> section remote, sub `my.store`, name url (git's rule: first and last dot). */
export function splitKey(key: string): ConfigKey {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  const bad = () => new DvdError('EUSAGE', `bad config key ${JSON.stringify(key)} (expected section.name, e.g. core.remote)`, { exitCode: 2 });
  if (first <= 0 || last === key.length - 1) throw bad();
  const section = key.slice(0, first);
  const name = key.slice(last + 1);
  if (!NAME_RE.test(section) || !NAME_RE.test(name)) throw bad();
  if (first === last) return { section: section.toLowerCase(), name: name.toLowerCase() };
  const sub = key.slice(first + 1, last);
  if (sub.includes('\n') || sub === '') throw bad();
  return { section: section.toLowerCase(), sub, name: name.toLowerCase() };
}

export function joinKey(k: ConfigKey): string {
  return k.sub === undefined ? `${k.section}.${k.name}` : `${k.section}.${k.sub}.${k.name}`;
}

/** A value as git writes it: bare when that reads back the same, else double-quoted. */
export function quoteValue(value: string): string {
  if (value !== '' && !/^\s|\s$|[#;"\\\n\t\r]/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;
}

function quoteSub(sub: string): string {
  return `"${sub.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', r: '\r', b: '\b' };

/** Parse the value part of `key = value` (git's rules): the value and where a trailing comment starts; null when malformed. */
function parseValue(raw: string): { value: string; commentAt: number } | null {
  let out = '';
  let commentAt = -1;
  let pendingSpace = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const e = ESCAPES[raw[i + 1]];
      if (e === undefined) return null;
      out += pendingSpace + e;
      pendingSpace = '';
      i++;
    } else if (c === '"') {
      out += pendingSpace;
      pendingSpace = '';
      quoted = !quoted;
    } else if (!quoted && (c === '#' || c === ';')) {
      commentAt = i;
      break;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      // Blanks count only between words: trailing ones are dropped, leading ones never reach here.
      if (out !== '') pendingSpace += c;
    } else {
      out += pendingSpace + c;
      pendingSpace = '';
    }
  }
  return quoted ? null : { value: out, commentAt };
}

function parseLine(text: string, current: SectionLine | null): SectionLine | EntryLine | OtherLine | null {
  const t = text.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return { kind: 'other' };
  if (t.startsWith('[')) {
    const m = /^\[([A-Za-z][A-Za-z0-9_.-]*)(?:\s+"((?:[^"\\]|\\.)*)")?\]\s*(?:[#;].*)?$/.exec(t);
    if (!m) return null;
    const sub = m[2]?.replace(/\\(.)/g, '$1');
    return { kind: 'section', section: m[1].toLowerCase(), sub };
  }
  const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*(?:=(.*))?$/.exec(t);
  if (!m || !current) return null;
  if (m[2] === undefined) return { kind: 'entry', section: current.section, sub: current.sub, name: m[1].toLowerCase(), value: 'true' };
  const raw = m[2].trimStart();
  const parsed = parseValue(raw);
  if (parsed === null) return null;
  const entry: EntryLine = { kind: 'entry', section: current.section, sub: current.sub, name: m[1].toLowerCase(), value: parsed.value };
  if (parsed.commentAt >= 0) entry.comment = raw.slice(0, parsed.commentAt).match(/\s*$/)![0] + raw.slice(parsed.commentAt);
  return entry;
}

const sameSection = (a: { section: string; sub?: string }, b: { section: string; sub?: string }) => a.section === b.section && a.sub === b.sub;

/** One config file's lines; edit with set/unset/removeSection/renameSection, write with toString(). */
export class ConfigDocument {
  private lines: Line[];

  private constructor(lines: Line[]) {
    this.lines = lines;
  }

  /** Parse `text`; errors name `file` and the line: `.dvd/config:3: cannot parse ...`. */
  static parse(text: string, file: string): ConfigDocument {
    const lines: Line[] = [];
    let current: SectionLine | null = null;
    const raw = text.split('\n');
    if (raw[raw.length - 1] === '') raw.pop();
    raw.forEach((t, i) => {
      const text = t.endsWith('\r') ? t.slice(0, -1) : t;
      const parsed = parseLine(text, current);
      if (!parsed) {
        const where = current || !/^\s*[A-Za-z]/.test(text) ? '' : ' (a key outside any [section])';
        throw new DvdError('ECONFIG', `${file}:${i + 1}: cannot parse ${quoteText(text)}${where}`, {
          hint: 'fix or remove that line (format: git-config, e.g. [core] then remote = storage)',
        });
      }
      if (parsed.kind === 'section') current = parsed;
      lines.push({ text, ...parsed });
    });
    return new ConfigDocument(lines);
  }

  /** Every key = value in file order; a later duplicate wins in the map. */
  entries(): Map<string, string> {
    const out = new Map<string, string>();
    for (const l of this.lines) if (l.kind === 'entry') out.set(joinKey(l), l.value);
    return out;
  }

  get(key: string): string | undefined {
    return this.entries().get(joinKey(splitKey(key)));
  }

  /** Replace the key's line in place, or add it to the end of its section (or a new section at the end). */
  set(key: string, value: string): void {
    const k = splitKey(key);
    const text = `\t${k.name} = ${quoteValue(value)}`;
    const at = this.findLast((l) => l.kind === 'entry' && sameSection(l, k) && l.name === k.name);
    if (at >= 0) {
      // A duplicate earlier in the file would shadow nothing but confuse a reader: drop it.
      this.lines = this.lines.filter((l, i) => i === at || !(l.kind === 'entry' && sameSection(l, k) && l.name === k.name));
      const idx = this.findLast((l) => l.kind === 'entry' && sameSection(l, k) && l.name === k.name);
      // The line keeps its indentation and its trailing comment (the user's note on why).
      const old = this.lines[idx] as Line & EntryLine;
      const comment = old.comment ?? '';
      const indent = /^\s*/.exec(old.text)![0];
      this.lines[idx] = { text: `${indent}${k.name} = ${quoteValue(value)}${comment}`, kind: 'entry', section: k.section, sub: k.sub, name: k.name, value, ...(old.comment ? { comment } : {}) };
      return;
    }
    const entry: Line = { text, kind: 'entry', section: k.section, sub: k.sub, name: k.name, value };
    const header = this.findLast((l) => l.kind === 'section' && sameSection(l, k));
    if (header < 0) {
      const headerText = `[${k.section}${k.sub === undefined ? '' : ` ${quoteSub(k.sub)}`}]`;
      this.lines.push({ text: headerText, kind: 'section', section: k.section, sub: k.sub }, entry);
      return;
    }
    // After the section's last key (comments further down usually introduce the next section).
    let insertAt = header + 1;
    for (let i = header + 1; i < this.lines.length && this.lines[i].kind !== 'section'; i++) {
      if (this.lines[i].kind === 'entry') insertAt = i + 1;
    }
    this.lines.splice(insertAt, 0, entry);
  }

  /** Remove every line of `key`; a section left without keys or comments loses its header. Returns whether it existed. */
  unset(key: string): boolean {
    const k = splitKey(key);
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => !(l.kind === 'entry' && sameSection(l, k) && l.name === k.name));
    if (this.lines.length === before) return false;
    this.dropEmptySections();
    return true;
  }

  /** Remove `[section "sub"]` headers with their keys (and comments above their last key). */
  removeSection(section: string, sub?: string): boolean {
    const s = { section, sub };
    let removed = false;
    const keep: Line[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (l.kind === 'section' && sameSection(l, s)) {
        let last = i;
        let j = i + 1;
        for (; j < this.lines.length && this.lines[j].kind !== 'section'; j++) if (this.lines[j].kind === 'entry') last = j;
        i = last;
        removed = true;
        continue;
      }
      keep.push(l);
    }
    this.lines = keep;
    return removed;
  }

  /** Rename `[section "from"]` to `[section "to"]`, keeping its lines. */
  renameSection(section: string, from: string, to: string): boolean {
    let renamed = false;
    this.lines = this.lines.map((l) => {
      if (l.kind === 'section' && l.section === section && l.sub === from) {
        renamed = true;
        // Indentation and a comment after the header stay.
        const m = /^(\s*)\[(?:[^"\]]|"(?:[^"\\]|\\.)*")*\](.*)$/.exec(l.text);
        return { text: `${m?.[1] ?? ''}[${section} ${quoteSub(to)}]${m?.[2] ?? ''}`, kind: 'section', section, sub: to };
      }
      if (l.kind === 'entry' && l.section === section && l.sub === from) return { ...l, sub: to };
      return l;
    });
    return renamed;
  }

  toString(): string {
    return this.lines.length ? `${this.lines.map((l) => l.text).join('\n')}\n` : '';
  }

  private findLast(pred: (l: Line) => boolean): number {
    for (let i = this.lines.length - 1; i >= 0; i--) if (pred(this.lines[i])) return i;
    return -1;
  }

  private dropEmptySections(): void {
    const keep: Line[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (l.kind === 'section') {
        let j = i + 1;
        while (j < this.lines.length && this.lines[j].kind !== 'section' && this.lines[j].text.trim() === '') j++;
        if (j === this.lines.length || this.lines[j].kind === 'section') {
          // Nothing but blank lines until the next header: the section is empty.
          i = j - 1;
          continue;
        }
      }
      keep.push(l);
    }
    this.lines = keep;
  }
}
