import { DvdError } from './errors.js';

/**
 * Why one pointer (or its target) was left out of a command that works on many: the
 * command does the others, reports these at the end and exits 1 (DESIGN Amendments:
 * one unreadable pointer is reported, the other targets are still processed; gc
 * excepted). Plain data, so `--json` can print it.
 */
export interface PointerProblem {
  /** Repo-relative pointer file; for one read at a revision, `REV:path`. */
  pointerFile: string;
  /** Stable error code: EBADPOINTER, EDUPTARGET, ESYMLINK, EBADNAME, ... */
  code: string;
  /** For the user, naming the file (and line and field when known), e.g. `data.dvd:3: oid: bad oid "sha256:12"`. */
  message: string;
  hint?: string;
  /** Other pointer files involved (two pointers for one target). */
  others?: string[];
}

/** The problem a DvdError about one pointer or target stands for. */
export function problemOf(pointerFile: string, err: DvdError, others?: string[]): PointerProblem {
  const p: PointerProblem = { pointerFile, code: err.code, message: err.message };
  if (err.hint) p.hint = err.hint;
  if (others) p.others = others;
  return p;
}

/** One problem per distinct message (pull reports what both its fetch and its checkout met). */
export function uniqueProblems(problems: PointerProblem[]): PointerProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && !!seen.add(p.message));
}

/**
 * Run one target's share of a command that works on many. A DvdError (dvd's verdict on
 * bad input: a damaged manifest, a link inside the data) becomes a problem of that
 * target's pointer and the command goes on with the others; anything else (a full disk,
 * a bug) still stops it. Undefined when the target was left out.
 */
export async function forTarget<T>(pointerFile: string, problems: PointerProblem[], fn: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DvdError)) throw err;
    problems.push(problemOf(pointerFile, err));
    return undefined;
  }
}
