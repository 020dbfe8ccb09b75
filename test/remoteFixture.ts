import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { dvdAsync, dvdAsyncOk } from './dvdAsync.js';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './faultProxy.js';
import { cloneRepo, git, seededBytes, tempDir, tempRepo, writeFiles } from './helpers.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

// One s3rver and one fault proxy per test file, temp repos whose default remote `s3`
// points at a fresh prefix through the proxy, and dvd run with s3rver's credentials.
export interface RemoteFixture {
  s3: S3rverHandle;
  proxy: FaultProxy;
  env: NodeJS.ProcessEnv;
  /** A temp dir removed after the test. */
  dir(prefix?: string): string;
  run(cwd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof dvdAsync>;
  ok(cwd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof dvdAsyncOk>;
  /** A committed repo with `files` added and remote `s3` = s3://BUCKET/PREFIX via the proxy, plus `settings`. */
  setup(o?: { files?: Record<string, Buffer>; settings?: Record<string, string>; url?: string; endpoint?: string }): Promise<{ repo: string; prefix: string }>;
  clone(repo: string): string;
}

/** `n` files `dir/f0000.bin`... of 500-5,400 bytes. */
export function manyFiles(n: number, dir = 'data', seed = 1000): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < n; i++) files[`${dir}/f${String(i).padStart(4, '0')}.bin`] = seededBytes(seed + i, 500 + (i % 50) * 100);
  return files;
}

export function remoteFixture(o: { bucket: string; proxy?: FaultProxyOptions; env?: NodeJS.ProcessEnv }): RemoteFixture {
  const cleanup: string[] = [];
  let prefixN = 0;
  const f = {
    dir(prefix = 'dvd-test-') {
      const d = tempDir(prefix);
      cleanup.push(d);
      return d;
    },
    // Generous: a throttled push of 200 files takes ~20 s by design.
    run: (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => dvdAsync(cwd, args, { ...f.env, ...extraEnv }, 200_000),
    ok: (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => dvdAsyncOk(cwd, args, { ...f.env, ...extraEnv }, 200_000),
    async setup(s: { files?: Record<string, Buffer>; settings?: Record<string, string>; url?: string; endpoint?: string } = {}) {
      const repo = tempRepo();
      cleanup.push(repo);
      const files = s.files ?? { 'a.bin': seededBytes(1, 1000) };
      writeFiles(repo, files);
      await f.ok(repo, ['add', ...new Set(Object.keys(files).map((p) => p.split('/')[0]))]);
      const prefix = `p${++prefixN}`;
      await f.ok(repo, ['remote', 'add', '-d', 's3', s.url ?? `s3://${f.s3.bucket}/${prefix}`]);
      await f.ok(repo, ['remote', 'modify', 's3', 'endpoint', s.endpoint ?? f.proxy.endpoint]);
      for (const [k, v] of Object.entries(s.settings ?? {})) await f.ok(repo, ['remote', 'modify', 's3', k, v]);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'data');
      return { repo, prefix };
    },
    clone(repo: string) {
      const d = cloneRepo(repo);
      cleanup.push(path.dirname(d)); // cloneRepo clones into a folder of its own temp dir
      return d;
    },
  } as RemoteFixture;
  beforeAll(async () => {
    f.s3 = await startS3rver({ bucket: o.bucket });
    f.proxy = await startFaultProxy(f.s3.port, o.proxy);
    f.env = { ...f.s3.env, DVD_BACKOFF_MS: '5', ...o.env };
  });
  afterAll(async () => {
    await f.proxy?.stop();
    await f.s3?.stop();
  });
  afterEach(() => {
    f.proxy.reset();
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return f;
}
