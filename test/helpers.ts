import { spawnSync, type ChildProcess, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DVD_BIN = path.join(PROJECT, 'bin', 'dvd.js');
export const FIXTURES = path.join(PROJECT, 'fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  // Keep tests independent of the machine's user config and CI detection.
  env.XDG_CONFIG_HOME = path.join(os.tmpdir(), 'dvd-test-xdg-none');
  env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = 'Test';
  env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = 'test@example.com';
  delete env.NO_COLOR;
  return env;
};

/** Run bin/dvd.js in cwd. Never throws on a non-zero exit: tests assert on it. */
export function dvd(cwd: string, args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [DVD_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...opts,
    // After opts: their env adds to the clean one instead of replacing it (PATH and all).
    env: { ...cleanEnv(), ...(opts.env ?? {}) },
  });
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** dvd that must succeed; throws with its output otherwise. */
export function dvdOk(cwd: string, args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = dvd(cwd, args, opts);
  if (r.code !== 0) throw new Error(`dvd ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: cleanEnv() });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// Every folder tempDir makes is deleted after the last test of the file that made it:
// a full run made ~1,000 folders under /tmp that nothing removed. Registered when a test
// file imports this module (vitest collects hooks at a file's top level then).
const madeTempDirs: string[] = [];
afterAll(() => {
  for (const d of madeTempDirs.splice(0)) {
    // A tmpfs still mounted or a child still writing must not fail the file's tests.
    try {
      fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* left for the OS's /tmp cleaning */
    }
  }
});

/** A new empty folder under the OS temp folder, deleted after the calling test file's tests. */
export function tempDir(prefix = 'dvd-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeTempDirs.push(dir);
  return dir;
}

/** A fresh Git repository (real `git init`), optionally with `dvd init` run in it. */
export function tempRepo(opts: { dvdInit?: boolean } = {}): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  if (opts.dvdInit !== false) dvdOk(dir, ['init']);
  return dir;
}

/** `git add -A && git commit -m MSG` in `repo`; returns the new HEAD's commit id. */
export function commitAll(repo: string, msg: string): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', msg);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

/** A `git clone` of `src` (a work tree or a bare repository) into a new temp folder; returns its path. */
export function cloneRepo(src: string): string {
  const dir = path.join(tempDir('dvd-clone-'), 'c');
  git(path.dirname(dir), 'clone', '-q', src, dir);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

/** Deterministic pseudo-random bytes (xorshift), so datasets are reproducible. */
export function seededBytes(seed: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** Map of relative path -> sha256 for every regular file under dir (symlinks as "link:target"). */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isSymbolicLink()) out[r] = `link:${fs.readlinkSync(path.join(dir, r))}`;
      else out[r] = createHash('sha256').update(fs.readFileSync(path.join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}

/**
 * A tmpfs of `size` (e.g. '256k') to fill up, for full-disk tests; unmounted after the
 * calling describe block. `mounted` is false where mounting is not allowed (skip then).
 */
export function tinyTmpfs(size: string): { mnt: string; mounted: boolean } {
  const mnt = tempDir('dvd-tinyfs-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });
  return { mnt, mounted };
}

/**
 * Folders to delete after each test of the calling file: `const track = removedAfterEach()`,
 * then `track(tempRepo())`. Returns the folder, so it can wrap the call that makes it.
 */
export function removedAfterEach(): (dir: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return (dir: string) => {
    dirs.push(dir);
    return dir;
  };
}

/** The objects in a cache or folder remote (`<dir>/sha256/ab/cdef...`), as sorted oids. */
export function storedOids(dir: string): string[] {
  const base = path.join(dir, 'sha256');
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .filter((f) => /^[0-9a-f]{2}$/.test(f))
    .flatMap((f) => fs.readdirSync(path.join(base, f)).map((r) => f + r))
    .sort();
}

/** The oid a committed pointer file names at a revision. */
export function pointerOidAt(repo: string, rev: string, pointerFile: string): string {
  return /oid: sha256:([0-9a-f]{64})/.exec(git(repo, 'show', `${rev}:${pointerFile}`))![1];
}

/** The two ways src/git reads Git: through the git binary, and isomorphic-git alone. */
export const GIT_MODES = ['git binary', 'isomorphic-git only'] as const;

/**
 * Inside a describe: run its tests in `mode` (DVD_NO_GIT_BINARY=1 for isomorphic-git
 * only; dvd, git and the hooks git runs inherit it).
 */
export function useGitMode(mode: (typeof GIT_MODES)[number]): void {
  beforeAll(() => {
    if (mode === 'isomorphic-git only') process.env.DVD_NO_GIT_BINARY = '1';
    else delete process.env.DVD_NO_GIT_BINARY;
  });
  afterAll(() => {
    delete process.env.DVD_NO_GIT_BINARY;
  });
}

/**
 * Watch a spawned child's exit from the moment it is spawned. A listener attached later
 * (after a wait or a kill) misses an exit that already happened and waits forever: a
 * command that finished or failed early then shows as a test timeout instead of its
 * error. `exited()` lets wait loops stop early; `done` resolves with the exit code, or
 * the signal's name when a signal ended it.
 */
export function watchExit(child: ChildProcess): { done: Promise<number | NodeJS.Signals>; exited: () => boolean } {
  let over = false;
  const done = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('close', (code, signal) => {
      over = true;
      resolve(code ?? signal ?? -1);
    });
  });
  return { done, exited: () => over };
}
