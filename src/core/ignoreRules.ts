import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type ignoreTypes from 'ignore';
import type { Ignore } from 'ignore';
import { isErrno } from './errors.js';

// `ignore` is CommonJS; loaded by `import` it cost 35 ms of CPU and 13 MB at every start
// (Node 20's CJS-from-ESM translation), by require ~2 ms, and only when a .dvdignore exists.
const requireCjs = createRequire(import.meta.url);
let loaded: typeof ignoreTypes | undefined;
// Case-sensitive, as Git on Linux (core.ignorecase false); the package defaults to true.
const ignore = (): Ignore => (loaded ??= requireCjs('ignore') as typeof ignoreTypes)({ ignorecase: false });

/** The ignore file dvd reads: gitignore syntax (the `ignore` package implements it). */
export const IGNORE_FILE = '.dvdignore';

/** Which rule ignores a path: `file:line:pattern`, as `git check-ignore -v` prints it. */
export interface IgnoreMatch {
  /** Repo-relative POSIX path of the .dvdignore file. */
  file: string;
  /** 1-based. */
  line: number;
  pattern: string;
  /** A `!pattern` that re-includes the path (only `checkIgnore` reports these, as git -v does). */
  negative?: boolean;
}

interface RuleFile {
  /** Repo-relative folder the file's patterns are relative to ('' = the repo root). */
  base: string;
  ig: Ignore;
  /**
   * Every pattern is a bare name (no slash but a trailing one), which Git matches against
   * the last path component at any depth: such files are tested with the name alone,
   * the cheaper call (the walk already knows no parent folder was ignored).
   */
  nameOnly: boolean;
  /**
   * For a nameOnly file whose patterns are all plain names or `*suffix`: every name any
   * pattern can match is in `names` or ends with one of `suffixes`, so any other name is
   * decided without asking `ignore`. That call costs ~1.3 us and caches every path it
   * saw (60 MB for 500,000 names); on data it is the common case.
   */
  quick: { names: Set<string>; suffixes: string[] } | null;
  /** Marks handed to `ignore` index this table. */
  rules: IgnoreMatch[];
}

/**
 * The .dvdignore files in force for a folder: the repo root's, each folder's down to
 * it (a deeper file's rules win, as in Git). Immutable: `withFolder` returns a longer
 * chain, so a walk keeps one chain per folder on its stack.
 */
export class IgnoreRules {
  private constructor(private readonly files: readonly RuleFile[]) {}

  static readonly NONE = new IgnoreRules([]);

  /** Rules of `.dvdignore` in the root and in every folder from it down to repo folder `dirRel`, inclusive. */
  static forFolder(root: string, dirRel: string): IgnoreRules {
    let rules = IgnoreRules.NONE.withFolder(root, '');
    if (dirRel === '') return rules;
    let at = 0;
    for (;;) {
      const slash = dirRel.indexOf('/', at);
      rules = rules.withFolder(root, slash === -1 ? dirRel : dirRel.slice(0, slash));
      if (slash === -1) return rules;
      at = slash + 1;
    }
  }

  /** This chain plus repo folder `dirRel`'s own .dvdignore, if it has one. */
  withFolder(root: string, dirRel: string): IgnoreRules {
    const file = dirRel === '' ? IGNORE_FILE : `${dirRel}/${IGNORE_FILE}`;
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') || isErrno(err, 'EISDIR')) return this;
      throw err;
    }
    const ig = ignore();
    const rules: IgnoreMatch[] = [];
    let nameOnly = true;
    let quick: RuleFile['quick'] = { names: new Set(), suffixes: [] };
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      ig.add({ pattern: line, mark: String(rules.length) });
      rules.push({ file, line: i + 1, pattern: line });
      const bare = line.replace(/^!/, '').replace(/\/$/, '');
      if (bare.includes('/')) nameOnly = false;
      if (/^[^*?[\\\s]+$/.test(bare)) quick?.names.add(bare);
      else if (/^\*[^*?[\\\s/]+$/.test(bare)) quick?.suffixes.push(bare.slice(1));
      else quick = null;
    });
    if (rules.length === 0) return this;
    return new IgnoreRules([...this.files, { base: dirRel, ig, nameOnly, quick: nameOnly ? quick : null, rules }]);
  }

  get isEmpty(): boolean {
    return this.files.length === 0;
  }

  /**
   * The rule that ignores repo path `rel` (a folder when `isDir`), or null when no rule
   * does or a `!pattern` re-includes it. Only `rel` itself is tested: callers test its
   * folders first (the walk never enters an ignored folder; checkIgnore walks down).
   */
  match(rel: string, isDir: boolean, explain = false): IgnoreMatch | null {
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i];
      if (f.base !== '' && !rel.startsWith(`${f.base}/`)) continue;
      const sub = f.nameOnly ? rel.slice(rel.lastIndexOf('/') + 1) : f.base === '' ? rel : rel.slice(f.base.length + 1);
      if (f.quick && !f.quick.names.has(sub) && !f.quick.suffixes.some((x) => sub.endsWith(x))) continue;
      const path = isDir ? `${sub}/` : sub;
      const r = f.ig.test(path);
      if (r.ignored) return f.rules[Number(r.rule!.mark)];
      if (r.unignored) return explain ? lastMatching(f, path) : null;
    }
    return null;
  }
}

/** The last rule of `f` whose pattern matches `path` (it decided it); for a `!pattern`, `ignore` does not say which. */
function lastMatching(f: RuleFile, path: string): IgnoreMatch | null {
  for (let i = f.rules.length - 1; i >= 0; i--) {
    const negative = f.rules[i].pattern.startsWith('!');
    if (ignore().add(negative ? f.rules[i].pattern.slice(1) : f.rules[i].pattern).ignores(path)) return { ...f.rules[i], negative };
  }
  return null;
}

/**
 * Which rule decides repo path `rel`, as `git check-ignore -v` answers: the path's
 * folders are tested from the top down (a file in an ignored folder is ignored by the
 * folder's rule), each against the .dvdignore files above it; a `!pattern` that
 * re-includes the path itself comes back with `negative: true`.
 */
export function checkIgnore(root: string, rel: string, isDir: boolean): IgnoreMatch | null {
  const parts = rel.split('/');
  let rules = IgnoreRules.NONE.withFolder(root, '');
  for (let i = 0; i < parts.length; i++) {
    const p = parts.slice(0, i + 1).join('/');
    const last = i === parts.length - 1;
    const hit = rules.match(p, last ? isDir : true, last);
    if (hit) return hit;
    if (!last) rules = rules.withFolder(root, p);
  }
  return null;
}
