// Issue 10's throttling case: `dvd push` of 200 files to s3rver behind a limiter that
// answers `503 SlowDown` above 20 requests/s, against `rclone copy --transfers 32` of
// the same files through the same limiter. Prints, per run, wall time, exit status and
// what the limiter saw (requests, 503s).
// Usage: npm run bench:throttle [-- --runs N --rate R --files N --dvd path/to/bin/dvd.js]
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '20' },
    files: { type: 'string', default: '200' },
    dvd: { type: 'string', default: path.join(here, '..', 'bin', 'dvd.js') },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(flags.runs);
const RATE = Number(flags.rate);
const FILES = Number(flags.files);
const env = { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_COMMITTER_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_EMAIL: 'b@e' };

const run = (cmd, args, opts) =>
  new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, seconds: Number(process.hrtime.bigint() - t) / 1e9, stderr: err }));
  });

// s3rver in its own process (bench/lib/s3server.js).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dvd-throttle-bench-'));
const s3 = fork(path.join(here, 'lib', 's3server.js'), [path.join(root, 's3')], { execArgv: ['--openssl-legacy-provider'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const port = await new Promise((r) => s3.on('message', (m) => m.ready && r(m.port)));
let nextId = 1;
const call = (msg) => new Promise((r) => {
  const id = nextId++;
  const on = (m) => m.id === id && (s3.off('message', on), r(m));
  s3.on('message', on);
  s3.send({ ...msg, id });
});

// The limiter: a token bucket of RATE tokens refilled at RATE/s; refused requests take none.
const stats = { requests: 0, refused: 0 };
let tokens = RATE;
let last = Date.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const limiter = http.createServer((req, res) => {
  stats.requests++;
  const now = Date.now();
  tokens = Math.min(RATE, tokens + ((now - last) / 1000) * RATE);
  last = now;
  if (tokens < 1) {
    stats.refused++;
    req.resume();
    req.on('end', () => {
      const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    return;
  }
  tokens -= 1;
  const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (u) => {
    res.writeHead(u.statusCode, u.headers);
    u.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
await new Promise((r) => limiter.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${limiter.address().port}`;

// The dataset: FILES files of 500-5,400 bytes in one tracked folder.
const repo = path.join(root, 'repo');
fs.mkdirSync(path.join(repo, 'data'), { recursive: true });
for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(repo, 'data', `f${String(i).padStart(4, '0')}.bin`), Buffer.alloc(500 + (i % 50) * 100, `file ${i} `));
const dvdEnv = { ...env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
const sh = async (cmd, args) => {
  const r = await run(cmd, args, { cwd: repo, env: dvdEnv });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};
await sh('git', ['init', '-q', '-b', 'main']);
await sh(process.execPath, [flags.dvd, 'init', '-q']);
await sh(process.execPath, [flags.dvd, 'add', '-q', 'data']);

const rcloneEnv = {
  ...env, RCLONE_CONFIG_BENCH_TYPE: 's3', RCLONE_CONFIG_BENCH_PROVIDER: 'Other', RCLONE_CONFIG_BENCH_ENV_AUTH: 'false',
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: 'S3RVER',
  RCLONE_CONFIG_BENCH_ENDPOINT: endpoint, RCLONE_CONFIG_BENCH_REGION: 'us-east-1', RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
};
delete rcloneEnv.AWS_CA_BUNDLE; // the issue's `env -u AWS_CA_BUNDLE rclone`

console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores; ${FILES} files, limiter ${RATE} requests/s at ${endpoint}`);
const line = (label, r) => {
  const err = r.code === 0 ? '' : `  ${r.stderr.trim().split('\n').slice(-1)[0].slice(0, 120)}`;
  console.log(`${label.padEnd(36)} ${r.seconds.toFixed(1).padStart(6)} s  exit ${r.code}  requests ${String(stats.requests).padStart(5)}  503s ${String(stats.refused).padStart(5)}${err}`);
};
for (let i = 1; i <= RUNS; i++) {
  await call({ op: 'bucket', name: `dvd${i}` });
  await sh(process.execPath, [flags.dvd, 'remote', 'add', '-f', '-d', 's3', `s3://dvd${i}/data`]);
  await sh(process.execPath, [flags.dvd, 'remote', 'modify', 's3', 'endpoint', endpoint]);
  Object.assign(stats, { requests: 0, refused: 0 });
  await new Promise((r) => setTimeout(r, 1100)); // a full bucket of tokens for each run
  line(`dvd push (run ${i})`, await run(process.execPath, [flags.dvd, 'push', '-q'], { cwd: repo, env: dvdEnv }));

  await call({ op: 'bucket', name: `rclone${i}` });
  Object.assign(stats, { requests: 0, refused: 0 });
  await new Promise((r) => setTimeout(r, 1100));
  const r = await run('rclone', ['copy', '--transfers', '32', path.join(repo, 'data'), `bench:rclone${i}/data`], { env: rcloneEnv });
  line(`rclone copy --transfers 32 (run ${i})`, r.code === 127 || r.code === null ? { ...r, stderr: 'rclone not installed' } : r);
}
await call({ op: 'stop' });
limiter.close();
agent.destroy();
if (!flags.keep) fs.rmSync(root, { recursive: true, force: true });
