import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, seededBytes } from './helpers.js';
import { bucketKeys } from './s3rver.js';
import { remoteFixture } from './remoteFixture.js';

// Remote URLs as users type them: the bucket root, any case of the scheme, `~`, and
// the near misses (one slash, scp-like host:path) refused with the likely fix instead
// of becoming a folder inside the repository.

const fx = remoteFixture({ bucket: 'rootbucket' });

describe('remote URLs', { timeout: 120_000 }, () => {
  it('s3://BUCKET and s3://BUCKET/ (the bucket root) work end to end', async () => {
    for (const url of ['s3://rootbucket', 's3://rootbucket/']) {
      const { repo } = await fx.setup({ url, files: { 'a.bin': seededBytes(url.length, 3000) } });
      await fx.ok(repo, ['push']);
      const other = fx.clone(repo);
      await fx.ok(other, ['pull']);
      expect(fs.readFileSync(path.join(other, 'a.bin')).equals(fs.readFileSync(path.join(repo, 'a.bin')))).toBe(true);
    }
    const keys = bucketKeys(fx.s3);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{62}$/);
  });

  it('the scheme is case-insensitive (S3://, File://)', async () => {
    const { repo } = await fx.setup({ url: 'S3://rootbucket/upper' });
    await fx.ok(repo, ['push']);
    expect(bucketKeys(fx.s3).some((k) => k.startsWith('upper/sha256/'))).toBe(true);
    const store = fx.dir('dvd-store-');
    dvdOk(repo, ['remote', 'add', 'f', `File://${store}`]);
    dvdOk(repo, ['push', '-r', 'f']);
    expect(fs.readdirSync(path.join(store, 'sha256'))).toHaveLength(1);
  });

  it('~ and ~/path expand to the home folder', async () => {
    const { repo } = await fx.setup();
    const home = fx.dir('dvd-home-');
    fs.mkdirSync(path.join(home, 'store'));
    dvdOk(repo, ['remote', 'add', 'h', '~/store'], { env: { HOME: home } });
    dvdOk(repo, ['push', '-r', 'h'], { env: { HOME: home } });
    expect(fs.readdirSync(path.join(home, 'store', 'sha256'))).toHaveLength(1);
    expect(fs.existsSync(path.join(repo, '~'))).toBe(false);
  });

  it('near misses are refused with the likely fix, and nothing is written', async () => {
    const { repo } = await fx.setup();
    const config = fs.readFileSync(path.join(repo, '.dvd/config'), 'utf8');
    const cases: [string, string][] = [
      ['s3:/bucket/data', 'did you mean s3://bucket/data? (two slashes after "s3:")'],
      ['s3:bucket', 'did you mean s3://bucket?'],
      ['S3:/bucket', 'did you mean s3://bucket?'],
      ['host:/srv/dvd', 'looks like an scp-style host:path; dvd has no ssh remotes: mount the folder and use its path, or use s3://'],
      ['me@host:store', 'looks like an scp-style host:path'],
      ['gs://bucket/p', 'unsupported scheme "gs:"'],
      ['s3://', 'no bucket name'],
      ['s3://bucket/data?versionId=3', 'a "?" or "#" has no meaning in a remote url'],
      ['~someone/store', 'only ~ and ~/ are expanded'],
      ['s3://bucket/a/../b', "the key prefix must not contain empty, '.' or '..' segments"],
      ['s3://bucket/%2e%2e/b', "the key prefix must not contain empty, '.' or '..' segments"],
    ];
    for (const [url, msg] of cases) {
      const r = dvd(repo, ['remote', 'add', 'x', url]);
      expect(r.code, url).toBe(2);
      expect(r.stderr, url).toContain(msg);
    }
    expect(fs.readFileSync(path.join(repo, '.dvd/config'), 'utf8')).toBe(config);
  });

  it('bucket names are checked against the S3 rules', async () => {
    const { repo } = await fx.setup();
    const cases: [string, string][] = [
      ['My-Bucket', 'lowercase letters, digits, dots and hyphens'],
      ['my_bucket', 'lowercase letters, digits, dots and hyphens'],
      ['ab', '3 to 63 characters'],
      ['a'.repeat(64), '3 to 63 characters'],
      ['-bucket', 'must begin and end with a letter or digit'],
      ['bucket-', 'must begin and end with a letter or digit'],
      ['my..bucket', 'two adjacent dots'],
      ['192.168.5.4', 'IP address'],
      ['xn--bucket', 'must not begin with xn--'],
      ['bucket-s3alias', 'must not end with -s3alias'],
    ];
    for (const [bucket, msg] of cases) {
      const r = dvd(repo, ['remote', 'add', 'x', `s3://${bucket}/p`]);
      expect(r.code, bucket).toBe(2);
      expect(r.stderr, bucket).toContain(`bucket name ${JSON.stringify(bucket)}`);
      expect(r.stderr, bucket).toContain(msg);
    }
    dvdOk(repo, ['remote', 'add', 'ok', 's3://my.bucket-1/p']);
  });

  it('settings are validated when set (remote modify, config) and when a hand-edited config is used', async () => {
    const { repo } = await fx.setup();
    const cases: [string, string, string][] = [
      ['sse', 'bogus', 'remote.s3.sse: expected AES256, aws:kms or aws:kms:dsse, got "bogus"'],
      ['sse', 'aes256', 'remote.s3.sse: expected AES256, aws:kms or aws:kms:dsse, got "aes256"'],
      ['storage_class', 'cold', 'remote.s3.storage_class: expected a storage class like STANDARD_IA or GLACIER_IR (capitals, digits, _), got "cold"'],
      ['region', 'eu west 1', 'remote.s3.region: expected a region name like eu-west-1, got "eu west 1"'],
      ['timeout', 'abc', 'remote.s3.timeout: expected a duration like 30s, 500ms or 2m, got "abc"'],
      ['timeout', '0', 'remote.s3.timeout: expected a duration like 30s, 500ms or 2m, got "0"'],
      ['endpoint', 'minio:9000', 'remote.s3.endpoint: expected http(s)://host[:port], got "minio:9000"'],
      ['path_style', 'maybe', 'remote.s3.path_style: expected true or false, got "maybe"'],
      ['jobs', '0', 'remote.s3.jobs: expected a whole number from 1 to 1024, got "0"'],
    ];
    // Refused values change no config file (the committed one, the local one, the user's).
    const configFiles = () => ['.dvd/config', '.dvd/config.local'].map((f) => (fs.existsSync(path.join(repo, f)) ? fs.readFileSync(path.join(repo, f), 'utf8') : null));
    const before = configFiles();
    for (const [key, value, msg] of cases) {
      const r = dvd(repo, ['remote', 'modify', 's3', key, value]);
      expect(r.code, key).toBe(2);
      expect(r.stderr, key).toContain(msg);
      const c = dvd(repo, ['config', `remote.s3.${key}`, value]);
      expect(c.code, `config ${key}`).toBe(2);
      expect(c.stderr, `config ${key}`).toContain(msg);
      expect(configFiles(), `${key} ${value}`).toEqual(before);
    }
    expect(dvdOk(repo, ['config', '--list']).stdout).not.toMatch(/sse|timeout|storage_class/);
    dvdOk(repo, ['remote', 'modify', 's3', 'sse', 'aws:kms']);
    dvdOk(repo, ['remote', 'modify', 's3', 'storage_class', 'STANDARD_IA']);
    // sse_kms_key_id only means something with aws:kms.
    dvdOk(repo, ['remote', 'modify', 's3', 'sse', 'AES256']);
    const kms = dvd(repo, ['remote', 'modify', 's3', 'sse_kms_key_id', 'alias/data']);
    expect(kms.code).toBe(2);
    expect(kms.stderr).toContain('remote.s3.sse_kms_key_id needs sse = aws:kms or aws:kms:dsse (it is AES256)');
    // The same rules through `dvd config` (one path: api/configKeys.ts).
    const kmsConfig = dvd(repo, ['config', 'remote.s3.sse_kms_key_id', 'alias/data']);
    expect(kmsConfig.code).toBe(2);
    expect(kmsConfig.stderr).toContain('remote.s3.sse_kms_key_id needs sse = aws:kms or aws:kms:dsse (it is AES256)');
    // A typo made by hand in .dvd/config stops a push before any request.
    fs.appendFileSync(path.join(repo, '.dvd/config'), '[remote "s3"]\n\tsse = AES-256\n');
    const r = await fx.run(repo, ['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('remote.s3.sse: expected AES256, aws:kms or aws:kms:dsse, got "AES-256"');
    expect(fx.proxy.count()).toBe(0);
  });
});
