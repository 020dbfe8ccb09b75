import path from 'node:path';

/**
 * `arg` as one word for a POSIX shell: unchanged when it holds only characters no shell
 * treats specially, else in single quotes (a quote inside becomes '\''), the one quoting
 * that escapes everything, newlines included. Twelve lines of our own over the
 * `shell-quote` package: its quote() backslash-escapes instead, which is harder to read
 * for the names people give data (`my data/ä b.csv`).
 */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A path as one shell argument that no command takes for an option (`-x` becomes `./-x`). */
export function shellPath(p: string): string {
  return shellQuote(p.startsWith('-') ? `./${p}` : p);
}

/**
 * Paths as the user should see them: relative to the folder dvd runs in (ctx.cwd; with
 * `-C DIR` that is DIR, as for `git -C`), so what dvd prints works when pasted there.
 * Commands and data stay repo-relative; only what is printed goes through here.
 */
export class UserPaths {
  constructor(
    readonly root: string,
    readonly cwd: string,
  ) {}

  /** Repo-relative POSIX path -> path relative to cwd ('.' for cwd itself). */
  show(repoRel: string): string {
    const rel = path.relative(this.cwd, path.join(this.root, ...repoRel.split('/')));
    return rel === '' ? '.' : rel.split(path.sep).join('/');
  }

  /** show(), ready to paste as one argument of a command: never taken for an option, quoted if needed. */
  arg(repoRel: string): string {
    return shellPath(this.show(repoRel));
  }

  /** `tool` followed by repo-relative paths as arguments: `git add data.dvd '../my data.dvd'`. */
  command(tool: string, repoPaths: string[]): string {
    return [tool, ...repoPaths.map((p) => this.arg(p))].join(' ');
  }
}
