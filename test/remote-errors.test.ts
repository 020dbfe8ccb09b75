import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededBytes } from './helpers.js';
import { remoteFixture } from './remoteFixture.js';

// Errors that say what happened: the HTTP status and the start of a body dvd cannot
// parse, the host name a DNS lookup actually failed on, and a missing bucket told
// apart from a missing object even where S3 answers without a body (HEAD).

const fx = remoteFixture({ bucket: 'errors' });
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';
const badGateway = { kind: 'status' as const, status: 502, body: NGINX_502, contentType: 'text/html' };

describe('errors that say what happened', { timeout: 120_000 }, () => {
  it('an HTML 502 from a gateway: retried, then shown with its status and the start of its body', async () => {
    const files = { 'a.bin': seededBytes(1, 1000), 'b.bin': seededBytes(2, 1000) };
    const { repo, prefix } = await fx.setup({ files });
    await fx.ok(repo, ['push']);
    const aOid = createHash('sha256').update(files['a.bin']).digest('hex');
    fx.proxy.rule = (q) => (q.method === 'GET' && q.url.includes(aOid.slice(2)) ? badGateway : null);
    const other = fx.clone(repo);
    const r = await fx.run(other, ['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `sha256:${aOid} (a.bin.dvd): download sha256/${aOid.slice(0, 2)}/${aOid.slice(2)}: remote s3 (s3://errors/${prefix} at ${fx.proxy.endpoint}) answered HTTP 502 Bad Gateway: "502 Bad Gateway 502 Bad Gateway nginx/1.18.0"`,
    );
    expect(fx.proxy.requests.filter((q) => q.method === 'GET' && q.url.includes(aOid.slice(2)))).toHaveLength(5);
  });

  it('an HTML 502 to a HEAD (no body) and to a listing', async () => {
    const { repo, prefix } = await fx.setup();
    fx.proxy.rule = () => badGateway;
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`remote s3 (s3://errors/${prefix} at ${fx.proxy.endpoint}) answered HTTP 502 Bad Gateway (no body)`);
    const { repo: repo2 } = await fx.setup({ files: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d/f${i}`, seededBytes(i, 100)])) });
    fx.proxy.rule = (q) => (q.url.includes('list-type=2') ? badGateway : null);
    const r2 = await fx.run(repo2, ['status', '--remote']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('answered HTTP 502 Bad Gateway: "502 Bad Gateway 502 Bad Gateway nginx/1.18.0"');
  });

  it('ENOTFOUND names the host actually looked up and, for a bucket in the host name, suggests path_style', async () => {
    const port = new URL(fx.s3.endpoint).port;
    const { repo } = await fx.setup({ endpoint: `http://localhost:${port}`, settings: { path_style: 'false' } });
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot reach remote s3 (s3://errors/p`);
    expect(r.stderr).toContain(`: the host name errors.localhost was not found (ENOTFOUND)`);
    expect(r.stderr).toContain('hint: with path_style false the bucket is part of the host name (errors.localhost); a store without wildcard DNS needs `dvd remote modify s3 path_style true`');
    await fx.ok(repo, ['remote', 'modify', 's3', 'path_style', 'true']);
    await fx.ok(repo, ['push']);
  });

  it('status --remote against a bucket that does not exist: the same error as push and fetch, exit 1', async () => {
    const { repo } = await fx.setup({ url: 's3://no-such-bucket/x' });
    const other = fx.clone(repo);
    for (const [dir, cmd] of [[repo, ['status', '--remote']], [repo, ['push']], [other, ['fetch']], [other, ['status', '--remote']]] as const) {
      const r = await fx.run(dir, [...cmd]);
      expect(r.code, cmd.join(' ')).toBe(1);
      expect(r.stderr, cmd.join(' ')).toContain(`error: the bucket of remote s3 (s3://no-such-bucket/x at ${fx.proxy.endpoint}) does not exist`);
    }
  });
});
