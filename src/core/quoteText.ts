// Text read from a file (a pointer line, a manifest entry, a config line, a value) goes
// into error messages quoted by this one function: a DVD image named `disc.dvd` once put
// ~1 KB of raw bytes on the user's terminal through `cannot parse line "..."`, escape
// sequences included. So every character a terminal would act on or garble is escaped
// and long text is cut, saying how much was left out.

/** How many characters of file content an error message quotes. */
export const QUOTED_MAX = 60;

// C0 controls, DEL, C1 controls, the replacement character (bytes that were not UTF-8),
// line and paragraph separators, and bidirectional overrides (which reorder what follows).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ufffd\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` as a double-quoted, JSON-style string safe to print: unsafe characters escaped
 * (`\n`, `\u001b`), at most `max` characters of `s` kept, then `..." (N more characters)`.
 */
export function quoteText(s: string, max = QUOTED_MAX): string {
  const chars = Array.from(s);
  const kept = chars.length > max ? chars.slice(0, max).join('') : s;
  const body = JSON.stringify(kept)
    .slice(1, -1)
    .replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return chars.length > max ? `"${body}..." (${chars.length - max} more characters)` : `"${body}"`;
}
