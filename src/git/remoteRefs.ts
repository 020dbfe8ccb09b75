import { runGit } from './runGit.js';

/** Refs of Git remote `remote` (a name or URL) matching `pattern` (`refs/exps/*`), from `git ls-remote`. */
export function listRemoteRefs(root: string, remote: string, pattern: string): { name: string; oid: string }[] {
  const out = runGit(root, ['ls-remote', remote, pattern]).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [oid, name] = l.split('\t');
      return { oid, name };
    });
}

/** `git push REMOTE refspec...` (every transport and credential helper the user has). */
export function pushRefs(root: string, remote: string, refspecs: string[], o: { force?: boolean } = {}): void {
  runGit(root, ['push', '--quiet', ...(o.force ? ['--force'] : []), remote, ...refspecs]);
}

/** `git fetch REMOTE refspec...`. */
export function fetchRefs(root: string, remote: string, refspecs: string[]): void {
  runGit(root, ['fetch', '--quiet', remote, ...refspecs]);
}
