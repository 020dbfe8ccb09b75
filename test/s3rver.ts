import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT } from './helpers.js';

export interface S3rverHandle {
  endpoint: string;
  port: number;
  bucket: string;
  /** Where s3rver keeps its objects (bucket folder under it). */
  dir: string;
  /** Its process (a test may SIGSTOP it to hold its event loop). */
  pid: number;
  /** Environment for dvd: s3rver's fixed credentials, nothing from the machine's AWS setup. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

// s3rver runs in its own node process: it needs --openssl-legacy-provider (without it
// ListObjectsV2 fails past the first page, DESIGN "S3 facts"), which we do not want in
// the test process. It binds a random free port on 127.0.0.1 and reports it on stdout.
const CHILD = `
const S3rver = require('s3rver');
const [dir, bucket] = process.argv.slice(1);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
server.run().then((addr) => {
  // Idle keep-alive connections stay open (test/test-servers.test.ts says why).
  server.httpServer.keepAliveTimeout = 0;
  process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n');
});
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

export async function startS3rver(opts: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = opts.bucket ?? 'dvd-test';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvd-s3rver-'));
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD, dir, bucket], {
    cwd: PROJECT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited ${code}: ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    bucket,
    dir,
    pid: child.pid!,
    env: {
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Keys stored in the bucket (s3rver keeps objects as files with `._S3rver_object` suffixes). */
export function bucketKeys(h: S3rverHandle): string[] {
  const root = path.join(h.dir, h.bucket);
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('._S3rver_object')) out.push(r.slice(0, -'._S3rver_object'.length));
    }
  };
  if (fs.existsSync(root)) walk('');
  return out.sort();
}
