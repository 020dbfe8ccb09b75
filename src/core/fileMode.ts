// The process umask, read once per thread: process.umask() with no argument sets and
// restores the mask, which is safe at start-up on the main thread or a worker.
const umask = process.umask();

/** The mode a file created with `mode` really gets under this process's umask. */
export function modeAfterUmask(mode: number): number {
  return mode & ~umask;
}

/**
 * The mode of a file dvd writes into the workspace: 0666, or 0777 when executable,
 * masked by the umask, as git checks files out (umask 022: 0644/0755; 077: 0600/0700;
 * 002: 0664/0775). Cache objects are not workspace files: they stay 0444.
 */
export function workspaceMode(exec: boolean): number {
  return modeAfterUmask(exec ? 0o777 : 0o666);
}
