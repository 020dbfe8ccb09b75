// Characters no record of a name can carry: a manifest line and the stat cache end at a
// newline (and a CR is one to many readers), a pointer's `path` must not hold a path
// separator of any platform, and JavaScript's line-oriented parsing (`.` in a regular
// expression) stops at U+2028/U+2029. `.gitignore` specials (`#`, `!`, `*`, trailing
// spaces) are escaped instead (gitignoreEntry.ts), so those names are fine.
const UNTRACKABLE_RE = /[\n\r\\\u2028\u2029]/;

/**
 * Why a file or folder name cannot be tracked, or null when it can. One regular
 * expression test: the walk calls this for every entry of every tracked folder.
 */
export function untrackableName(name: string): string | null {
  if (!UNTRACKABLE_RE.test(name)) return null;
  if (name.includes('\n')) return 'contains a newline';
  if (name.includes('\r')) return 'contains a carriage return';
  if (name.includes('\\')) return 'contains a backslash';
  return 'contains a Unicode line separator (U+2028/U+2029)';
}
