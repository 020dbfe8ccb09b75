import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../core/errors.js';

export type RemoteLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; dir: string };

const FORMS = 'use s3://BUCKET[/PREFIX] (with remote.NAME.endpoint for S3-compatible stores), file:///path, or a folder path';

/**
 * Parse a remote URL: `s3://bucket[/prefix]`, `file:///abs/path`, `~/path`, or a folder
 * path relative to `root`. Schemes are case-insensitive (WHATWG URL, as Node parses
 * them). Near misses - `s3:/bucket`, `s3:bucket`, scp-like `host:/path` - are refused
 * with the likely fix instead of becoming a folder inside the repository; the bucket
 * name is checked against S3's naming rules (bucketNameProblem). The S3 prefix is the
 * path as typed, percent-escapes decoded, without leading or trailing slashes ('' for
 * the bucket root); empty, '.' and '..' segments are refused. Throws a usage error (exit 2) naming the URL.
 */
export function parseRemoteUrl(url: string, root: string): RemoteLocation {
  const bad = (why: string, hint = FORMS) => usageError(`remote url ${JSON.stringify(url)}: ${why}`, hint);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  // A Windows drive letter (C:\data) is a path, not a scheme.
  const drive = process.platform === 'win32' && /^[a-z]:[\\/]/i.test(url);
  if (scheme === 's3') {
    if (!/^s3:\/\//i.test(url)) {
      const rest = url.replace(/^s3:\/*/i, '');
      throw bad(`did you mean s3://${rest}? (two slashes after "s3:")`, `s3://BUCKET/PREFIX names a bucket; a single slash or none is not an S3 URL`);
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw bad('not a valid URL');
    }
    if (u.search || u.hash || url.includes('#')) throw bad('a "?" or "#" has no meaning in a remote url', 'put the key prefix in the path: s3://BUCKET/PREFIX');
    if (u.username || u.password || u.port) throw bad('credentials or a port do not belong in an s3:// url', 'set remote.NAME.endpoint for the server and keep keys in .dvd/config.local');
    const bucket = u.hostname;
    if (!bucket) throw bad('no bucket name', 'write s3://BUCKET or s3://BUCKET/PREFIX');
    const problem = bucketNameProblem(bucket);
    if (problem) {
      throw bad(`bucket name ${JSON.stringify(bucket)}: ${problem}`, 'S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)');
    }
    // The prefix comes from the text as typed: URL resolves '..' and '%2e%2e' segments
    // away (s3://b/../etc would silently become the prefix etc).
    const rawPath = url.replace(/^s3:\/\/[^/?#]*/i, '').replace(/[?#].*$/, '');
    let prefix: string;
    try {
      prefix = decodeURIComponent(rawPath).replace(/^\//, '').replace(/\/+$/, '');
    } catch {
      throw bad('a "%" that is not a percent-escape (write %25 for a literal %)');
    }
    if (prefix && prefix.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
      throw bad('the key prefix must not contain empty, \'.\' or \'..\' segments');
    }
    return { kind: 's3', bucket, prefix };
  }
  if (scheme === 'file') {
    let dir: string;
    try {
      dir = fileURLToPath(new URL(url));
    } catch (err) {
      throw bad(`${(err as Error).message}`, 'a file URL names a folder on this machine: file:///mnt/store');
    }
    return { kind: 'local', dir: path.resolve(dir) };
  }
  if (scheme !== undefined && !drive) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw bad(`unsupported scheme "${scheme}:"`);
    throw scpLike(url);
  }
  // user@host:path without a scheme is scp's syntax too.
  if (/^[^/]*@[^/]*:/.test(url)) throw scpLike(url);
  if (url === '~' || url.startsWith('~/')) return { kind: 'local', dir: path.join(os.homedir(), url.slice(1)) };
  if (url.startsWith('~')) throw bad('only ~ and ~/ are expanded (to your home folder)', 'write the absolute path of the folder');
  return { kind: 'local', dir: path.resolve(root, url) };
}

function scpLike(url: string) {
  return usageError(
    `remote url ${JSON.stringify(url)} looks like an scp-style host:path; dvd has no ssh remotes: mount the folder and use its path, or use s3://`,
    'for a folder whose name contains ":", write it as ./NAME',
  );
}

/**
 * Why `name` is not a valid S3 bucket name, or undefined. The general purpose bucket
 * rules of https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * (2024): 3-63 characters of a-z, 0-9, '.' and '-'; a letter or digit at both ends; no
 * '..'; not an IP address; reserved prefixes and suffixes.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long (it has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may hold only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) return `must not begin with ${p}`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) return `must not end with ${s}`;
  return undefined;
}
