import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dvd, dvdOk, tempDir, tempRepo } from './helpers.js';

// `dvd remote ...` and `dvd config ...` as a user types them; the files on disk are
// checked too, since they are part of the contract (DESIGN: files on disk).

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const r = tempRepo();
  cleanup.push(r);
  return r;
}

describe('dvd remote', { timeout: 240_000 }, () => {
  it('add, list, default, modify, remove', () => {
    const r = repo();
    dvdOk(r, ['remote', 'add', '-d', 'storage', 's3://ml-data/projects/cats']);
    dvdOk(r, ['remote', 'add', 'share', '/mnt/share/dvd-store']);
    expect(dvdOk(r, ['remote', 'list']).stdout).toBe('  share\t/mnt/share/dvd-store\n* storage\ts3://ml-data/projects/cats\n');
    expect(dvdOk(r, ['remote', 'default']).stdout).toBe('storage\n');
    dvdOk(r, ['remote', 'modify', 'storage', 'endpoint', 'http://127.0.0.1:9000']);
    dvdOk(r, ['remote', 'modify', 'storage', 'path_style', 'true']);
    dvdOk(r, ['remote', 'modify', 'storage', 'jobs', '64']);
    const cfg = fs.readFileSync(path.join(r, '.dvd/config'), 'utf8');
    expect(cfg).toContain('[remote "storage"]\n\turl = s3://ml-data/projects/cats\n\tendpoint = http://127.0.0.1:9000\n\tpath_style = true\n\tjobs = 64\n');
    expect(cfg).toContain('[core]\n\tremote = storage\n');
    const list = JSON.parse(dvdOk(r, ['remote', 'list', '--json']).stdout);
    expect(list.find((x: { name: string }) => x.name === 'storage').settings).toEqual({ endpoint: 'http://127.0.0.1:9000', path_style: 'true', jobs: '64' });

    dvdOk(r, ['remote', 'default', 'share']);
    expect(dvdOk(r, ['config', 'core.remote']).stdout).toBe('share\n');
    dvdOk(r, ['remote', 'remove', 'share']);
    expect(dvdOk(r, ['remote', 'list']).stdout).toBe('  storage\ts3://ml-data/projects/cats\n');
    // Removing the default clears core.remote: no dangling default.
    expect(dvd(r, ['config', 'core.remote']).code).toBe(1);
  });

  it('refuses bad input with usage errors and hints', () => {
    const r = repo();
    dvdOk(r, ['remote', 'add', 'a', 's3://bkt/p']);
    const dup = dvd(r, ['remote', 'add', 'a', 's3://bkt/q']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/remote "a" already exists/);
    expect(dup.stderr).toMatch(/hint: change its url with `dvd remote modify a url s3:\/\/bkt\/q`/);
    dvdOk(r, ['remote', 'add', '-f', 'a', 's3://bkt/q']);
    expect(dvd(r, ['remote', 'add', 'x', 'gs://bucket/p']).stderr).toMatch(/unsupported scheme/);
    expect(dvd(r, ['remote', 'add', 'bad name', 's3://bkt']).code).toBe(2);
    expect(dvd(r, ['remote', 'add', 'y', 's3://bkt/../etc']).stderr).toMatch(/must not contain/);
    const unknownKey = dvd(r, ['remote', 'modify', 'a', 'colour', 'blue']);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(/unknown remote setting "colour"/);
    expect(dvd(r, ['remote', 'modify', 'a', 'jobs', 'many']).code).not.toBe(0);
    expect(dvd(r, ['remote', 'modify', 'nope', 'region', 'eu-west-1']).stderr).toMatch(/no remote named "nope"/);
    expect(dvd(r, ['remote', 'modify', 'a', 'endpoint', 'localhost:9000']).stderr).toMatch(/expected http\(s\):\/\/host/);
  });

  it('secrets go to .dvd/config.local only', () => {
    const r = repo();
    dvdOk(r, ['remote', 'add', 'a', 's3://bkt/p']);
    const refused = dvd(r, ['remote', 'modify', 'a', 'secret_access_key', 'shh']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/hint: use --local/);
    dvdOk(r, ['remote', 'modify', '--local', 'a', 'secret_access_key', 'shh']);
    expect(fs.readFileSync(path.join(r, '.dvd/config.local'), 'utf8')).toContain('secret_access_key = shh');
    expect(fs.readFileSync(path.join(r, '.dvd/config'), 'utf8')).not.toContain('shh');
    // `remote list --json` does not echo secrets.
    expect(dvdOk(r, ['remote', 'list', '--json']).stdout).not.toContain('shh');
  });

  it('push without any remote says how to add one', () => {
    const r = repo();
    fs.writeFileSync(path.join(r, 'a.txt'), 'a\n');
    dvdOk(r, ['add', 'a.txt']);
    const p = dvd(r, ['push']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/no remote given and no default remote set/);
    expect(p.stderr).toMatch(/hint: add one with `dvd remote add -d NAME/);
    expect(dvd(r, ['push', '-r', 'ghost']).stderr).toMatch(/no remote named "ghost"/);
  });
});

describe('dvd config', { timeout: 240_000 }, () => {
  it('get, set, unset and list across the local, repo and user levels', () => {
    const r = repo();
    const xdg = tempDir('dvd-xdg-');
    cleanup.push(xdg);
    const env = { XDG_CONFIG_HOME: xdg };
    dvdOk(r, ['config', 'cache.type', 'hardlink'], { env });
    dvdOk(r, ['config', '--global', 'core.remote', 'fromuser'], { env });
    expect(fs.readFileSync(path.join(xdg, 'dvd/config'), 'utf8')).toContain('remote = fromuser');
    expect(dvdOk(r, ['config', 'core.remote'], { env }).stdout).toBe('fromuser\n');
    // In a repository core.remote must name a remote that exists (issue 11).
    dvdOk(r, ['remote', 'add', 'fromrepo', 's3://bkt/repo'], { env });
    dvdOk(r, ['remote', 'add', 'fromlocal', 's3://bkt/local'], { env });
    dvdOk(r, ['config', 'core.remote', 'fromrepo'], { env });
    expect(dvdOk(r, ['config', 'core.remote'], { env }).stdout).toBe('fromrepo\n');
    dvdOk(r, ['config', '--local', 'core.remote', 'fromlocal'], { env });
    expect(dvdOk(r, ['config', 'core.remote'], { env }).stdout).toBe('fromlocal\n');
    expect(dvdOk(r, ['config', '--global', 'core.remote'], { env }).stdout).toBe('fromuser\n');
    const list = dvdOk(r, ['config', '--list'], { env }).stdout;
    expect(list).toContain('cache.type=hardlink\n');
    expect(list).toContain('core.remote=fromlocal\n');
    dvdOk(r, ['config', '--local', '--unset', 'core.remote'], { env });
    expect(dvdOk(r, ['config', 'core.remote'], { env }).stdout).toBe('fromrepo\n');
    expect(dvd(r, ['config', '--unset', 'no.such'], { env }).code).toBe(1);
    expect(dvd(r, ['config', 'nodot'], { env }).code).toBe(2);
    expect(dvd(r, ['config', '--local', '--global', 'a.b'], { env }).code).toBe(2);
    // Subsections with dots survive a round trip (git-style [remote "a.b"]).
    dvdOk(r, ['config', 'remote.my.store.url', 's3://xyz/y'], { env });
    expect(dvdOk(r, ['config', 'remote.my.store.url'], { env }).stdout).toBe('s3://xyz/y\n');
  });
});
