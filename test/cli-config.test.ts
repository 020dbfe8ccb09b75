import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, tempRepo, removedAfterEach } from './helpers.js';

// Issue 11, item 1: config values round-trip exactly, hand edits survive dvd's writes,
// typos and bad values are refused when typed, remotes list their settings and rename.

const cleanup = removedAfterEach();

function repo(): string {
  const r = tempRepo();
  cleanup(r);
  return r;
}

const readCfg = (r: string, name = 'config') => fs.readFileSync(path.join(r, '.dvd', name), 'utf8');

describe('config files', { timeout: 120_000 }, () => {
  it('values with # ; quotes, backslashes and edge blanks round-trip exactly', () => {
    const r = repo();
    const values = ['/data/store #1', 'a;b', ' leading and trailing ', 'say "hi"', 'back\\slash', 'tab\there', ''];
    dvdOk(r, ['remote', 'add', 'a', '/data/store #1']);
    expect(dvdOk(r, ['config', 'remote.a.url']).stdout).toBe('/data/store #1\n');
    // A folder url takes any text (profile, region and the like are checked: remote-urls.test.ts).
    values.forEach((v, i) => dvdOk(r, ['config', `remote.b.url`, v === '' ? `p${i}` : v]) && expect(dvdOk(r, ['config', 'remote.b.url']).stdout).toBe(`${v === '' ? `p${i}` : v}\n`));
    // Also through remote add (url) and remote list.
    dvdOk(r, ['remote', 'add', 'semi', 'store;v2']);
    expect(dvdOk(r, ['remote', 'list']).stdout).toContain('  semi\tstore;v2\n');
    // The file holds git-style quoting: a value with '#' is quoted, a plain one is not.
    expect(readCfg(r)).toContain('\turl = "/data/store #1"\n');
    expect(readCfg(r)).toContain('\turl = "store;v2"\n');
  });

  it('comments, blank lines, unknown sections and spacing survive every write', () => {
    const r = repo();
    const hand = [
      '# Team settings: ask #data-infra before changing the remote',
      '[core]',
      '    ; the default remote',
      '    remote = shared',
      '',
      '[remote "shared"]',
      '\turl = /mnt/shared   # NFS mount',
      '',
      '; a section a newer dvd (or a person) added',
      '[experiment "x"]',
      '\tnote = "keep me"',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(r, '.dvd/config'), hand);
    expect(dvdOk(r, ['config', 'remote.shared.url']).stdout).toBe('/mnt/shared\n');
    dvdOk(r, ['config', 'cache.type', 'hardlink,copy']);
    dvdOk(r, ['remote', 'modify', 'shared', 'jobs', '4']);
    dvdOk(r, ['remote', 'add', 'other', 's3://bucket/p']);
    dvdOk(r, ['remote', 'remove', 'other']);
    dvdOk(r, ['config', '--unset', 'cache.type']);
    // Every change above was undone except jobs = 4, which sits after the section's last key.
    expect(readCfg(r)).toBe(hand.replace('\turl = /mnt/shared   # NFS mount\n', '\turl = /mnt/shared   # NFS mount\n\tjobs = 4\n'));
    // The unknown section is listed, not dropped.
    expect(dvdOk(r, ['config', '--list']).stdout).toContain('experiment.x.note=keep me\n');
  });

  it('a line dvd cannot parse is an error naming the file and line, and nothing is written', () => {
    const r = repo();
    fs.writeFileSync(path.join(r, '.dvd/config'), '[core]\n\tremote = "open quote\n');
    const res = dvd(r, ['config', 'cache.type', 'copy']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: \.dvd\/config:2: cannot parse "\\tremote = \\"open quote"/);
    expect(readCfg(r)).toBe('[core]\n\tremote = "open quote\n');
  });

  it('unknown keys are refused with a suggestion, bad values when typed; nothing is written', () => {
    const r = repo();
    const before = readCfg(r);
    const typo = dvd(r, ['config', 'cahce.type', 'copy']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('error: unknown config key "cahce.type"\nhint: did you mean cache.type?\n');
    // Reading a mistyped key is refused too instead of looking unset.
    expect(dvd(r, ['config', 'core.remot']).stderr).toContain('hint: did you mean core.remote?');
    dvdOk(r, ['remote', 'add', 's', 's3://bkt/p']);
    const remoteTypo = dvd(r, ['config', 'remote.s.endpont', 'http://x:1']);
    expect(remoteTypo.code).toBe(2);
    expect(remoteTypo.stderr).toContain('hint: did you mean remote.s.endpoint?');
    expect(dvd(r, ['remote', 'modify', 's', 'regoin', 'x']).stderr).toContain('hint: did you mean region?');
    const afterRemote = readCfg(r);
    for (const [key, value, msg] of [
      ['cache.type', 'bogus', /cache.type: unknown link type "bogus"/],
      ['cache.type', '', /cache.type is empty/],
      ['core.autostage', 'maybe', /core.autostage: expected true or false/],
      ['core.remote', 'nope', /core.remote: no remote named "nope"/],
      ['remote.s.jobs', 'many', /remote.s.jobs: expected a whole number/],
      ['remote.s.multipart_chunksize', 'big', /expected a size like 64MiB/],
      ['remote.s.url', 'gs://x/y', /unsupported scheme/],
    ] as const) {
      const res = dvd(r, ['config', key, value]);
      expect(res.code, `${key}=${value}`).toBe(2);
      expect(res.stderr).toMatch(msg);
    }
    expect(readCfg(r)).toBe(afterRemote);
    expect(before).toBe('');
    // A stray key can always be removed.
    fs.appendFileSync(path.join(r, '.dvd/config'), '[old]\n\tkey = 1\n');
    dvdOk(r, ['config', '--unset', 'old.key']);
    expect(readCfg(r)).toBe(afterRemote);
  });

  it('remote list -v shows settings, never secrets; rename moves settings, secrets and the default', () => {
    const r = repo();
    dvdOk(r, ['remote', 'add', '-d', 'store', 's3://bucket/prefix']);
    dvdOk(r, ['remote', 'modify', 'store', 'endpoint', 'http://127.0.0.1:9000']);
    dvdOk(r, ['remote', 'modify', 'store', 'region', 'eu-west-1']);
    dvdOk(r, ['remote', 'modify', 'store', 'profile', 'ml']);
    dvdOk(r, ['remote', 'modify', '--local', 'store', 'access_key_id', 'AKIDSECRET']);
    dvdOk(r, ['remote', 'modify', '--local', 'store', 'secret_access_key', 'shh']);
    dvdOk(r, ['remote', 'add', 'backup', '/mnt/backup']);
    const verbose = dvdOk(r, ['remote', 'list', '-v']).stdout;
    expect(verbose).toBe(
      '  backup\t/mnt/backup\n* store\ts3://bucket/prefix\n\tendpoint = http://127.0.0.1:9000\n\tregion = eu-west-1\n\tprofile = ml\n',
    );
    expect(dvdOk(r, ['remote', 'list', '--json']).stdout).not.toMatch(/AKIDSECRET|shh/);

    expect(dvdOk(r, ['remote', 'rename', 'store', 'main']).stdout).toBe('renamed remote store -> main (the default)\n');
    expect(dvdOk(r, ['remote', 'default']).stdout).toBe('main\n');
    expect(readCfg(r)).toContain('[remote "main"]\n\turl = s3://bucket/prefix\n\tendpoint = http://127.0.0.1:9000\n');
    expect(readCfg(r)).not.toContain('store');
    expect(readCfg(r, 'config.local')).toBe('[remote "main"]\n\taccess_key_id = AKIDSECRET\n\tsecret_access_key = shh\n');
    const taken = dvd(r, ['remote', 'rename', 'main', 'backup']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/remote "backup" already exists/);
    expect(dvd(r, ['remote', 'rename', 'nope', 'x']).stderr).toMatch(/no remote named "nope"/);
    expect(dvd(r, ['remote', 'rename', 'main', 'bad name']).code).toBe(2);
  });
});
