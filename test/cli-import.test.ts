import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePointer, serializePointer, type Pointer } from '../src/core/pointer.js';
import { commitAll, dvd, dvdOk, git, tempDir, tempRepo, treeHashes, writeFiles, removedAfterEach } from './helpers.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

// Issue 11, item 6: dvd import / import-url / update, and pull of imported data from its source.

const OID = 'b'.repeat(64);
const COMMIT = 'c'.repeat(40);

describe('pointer source block', () => {
  const cases: [string, Pointer][] = [
    ['git import of a folder', { path: 'images', type: 'dir', oid: OID, size: 10, files: 2, source: { kind: 'git', repo: '../registry', path: 'data/images', rev: 'v1', commit: COMMIT } }],
    ['git import without rev, URL repo', { path: 'm.bin', type: 'file', oid: OID, size: 3, source: { kind: 'git', repo: 'https://example.com/r.git', path: 'model.bin', commit: COMMIT } }],
    ['url import', { path: 'raw', type: 'dir', oid: OID, size: 9, files: 1, source: { kind: 'url', url: 's3://bucket/raw 2024', stamp: 's3-dir:sha256:ab' } }],
    ['odd strings', { path: 'x', type: 'file', oid: OID, size: 1, source: { kind: 'git', repo: 'yes', path: 'a: b/c', rev: '#1', commit: COMMIT } }],
  ];
  for (const [name, p] of cases) {
    it(`round-trips byte for byte: ${name}`, () => {
      const text = serializePointer(p);
      expect(parsePointer(text, 'x.dvd')).toEqual(p);
      expect(serializePointer(parsePointer(text, 'x.dvd'))).toBe(text);
    });
  }

  it('writes the documented layout', () => {
    expect(serializePointer(cases[0][1])).toBe(
      `path: images\ntype: dir\noid: sha256:${OID}\nsize: 10\nfiles: 2\nsource: git\nrepo: ../registry\nrepo_path: data/images\nrev: v1\ncommit: ${COMMIT}\n`,
    );
  });

  const good = serializePointer(cases[0][1]);
  const bad: [string, string, RegExp][] = [
    ['unknown source', good.replace('source: git', 'source: svn'), /x\.dvd:6: source: unknown source "svn"/],
    ['bad commit', good.replace(COMMIT, 'abc'), /x\.dvd:10: commit: bad commit "abc"/],
    ['missing commit', good.replace(`commit: ${COMMIT}\n`, ''), /commit: missing/],
    ['unsafe repo_path', good.replace('repo_path: data/images', 'repo_path: ../x'), /x\.dvd:8: repo_path: .*'\.\.' is not allowed/],
    ['out of order', good.replace('repo: ../registry\nrepo_path: data/images\n', 'repo_path: data/images\nrepo: ../registry\n'), /not in canonical form/],
    ['unknown field', good.replace('rev: v1\n', 'rev: v1\nbranch: x\n'), /x\.dvd:10: branch: unknown field for source git/],
    ['url field in a git block', good.replace('rev: v1\n', 'url: s3://x/y\n'), /url: unknown field/],
  ];
  for (const [name, text, re] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parsePointer(text, 'x.dvd')).toThrow(re);
    });
  }
});

const cleanup = removedAfterEach();

const read = (r: string, p: string) => fs.readFileSync(path.join(r, p), 'utf8');

/** A registry repo (data/images, model.bin) with v1 tagged and v2 on main, pushed to a folder remote; and a project beside it. */
function world() {
  const top = tempDir('dvd-import-');
  cleanup(top);
  const registry = path.join(top, 'registry');
  fs.mkdirSync(registry);
  git(registry, 'init', '-q', '-b', 'main');
  dvdOk(registry, ['init']);
  const store = path.join(top, 'store');
  fs.mkdirSync(store);
  dvdOk(registry, ['remote', 'add', '-d', 'store', store]);
  writeFiles(registry, { 'data/images/cat.jpg': 'cat v1', 'data/images/dog.jpg': 'dog v1', 'data/images/sub/eel.jpg': 'eel v1', 'model.bin': 'model v1' });
  dvdOk(registry, ['add', 'data/images', 'model.bin']);
  git(registry, 'add', '-A');
  git(registry, 'commit', '-qm', 'v1');
  git(registry, 'tag', 'v1');
  dvdOk(registry, ['push']);
  writeFiles(registry, { 'data/images/cat.jpg': 'cat v2', 'model.bin': 'model v2' });
  dvdOk(registry, ['commit']);
  git(registry, 'commit', '-qam', 'v2');
  dvdOk(registry, ['push']);
  const project = path.join(top, 'project');
  fs.mkdirSync(project);
  git(project, 'init', '-q', '-b', 'main');
  dvdOk(project, ['init']);
  return { top, registry, project, store };
}

const head = (r: string) => git(r, 'rev-parse', 'HEAD').trim();

/** git merge, which may fail (a conflict is asserted on). */
function gitMerge(cwd: string, branch: string) {
  const r = spawnSync('git', ['merge', '--no-edit', branch], { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_COMMITTER_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_EMAIL: 't@e' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('dvd import and update', { timeout: 240_000 }, () => {
  it('imports at a revision, records the source, follows it with update', () => {
    const { registry, project } = world();
    const v1 = git(registry, 'rev-parse', 'v1').trim();
    const out = dvdOk(project, ['import', '../registry', 'data/images', '--rev', 'v1']).stdout;
    expect(out).toContain(`imported images from ../registry:data/images at v1 (${v1.slice(0, 12)}; 3 files, 18 B) -> images.dvd`);
    expect(read(project, 'images/cat.jpg')).toBe('cat v1');
    expect(read(project, 'images/sub/eel.jpg')).toBe('eel v1');
    const pointer = read(project, 'images.dvd');
    expect(pointer).toMatch(new RegExp(`^path: images\\ntype: dir\\noid: sha256:[0-9a-f]{64}\\nsize: 18\\nfiles: 3\\nsource: git\\nrepo: \\.\\./registry\\nrepo_path: data/images\\nrev: v1\\ncommit: ${v1}\\n$`));
    // The folder's oid is the registry's own at v1: the same manifest.
    expect(pointer.split('\n')[2]).toBe(git(registry, 'show', 'v1:data/images.dvd').split('\n')[2]);
    expect(read(project, '.gitignore')).toBe('/images\n');
    expect(dvdOk(project, ['status']).stdout).toBe('Data and pointers are up to date.\n');

    // --rev v1 is followed: nothing new.
    expect(dvdOk(project, ['update', 'images']).stdout).toBe(`images: up to date at ${v1.slice(0, 12)}\n`);
    // Switch to main: v2's data arrives.
    const upd = dvdOk(project, ['update', '--rev', 'main', 'images']).stdout;
    expect(upd).toContain(`updated images at ${head(registry).slice(0, 12)} -> images.dvd`);
    expect(read(project, 'images/cat.jpg')).toBe('cat v2');
    expect(read(project, 'images.dvd')).toContain(`rev: main\ncommit: ${head(registry)}\n`);

    // A new commit upstream; update with no target looks at every import.
    writeFiles(registry, { 'data/images/dog.jpg': 'dog v3' });
    dvdOk(registry, ['commit']);
    git(registry, 'commit', '-qam', 'v3');
    dvdOk(project, ['update']);
    expect(read(project, 'images/dog.jpg')).toBe('dog v3');

    // Local edits block an update (nothing new upstream needed to see the refusal).
    writeFiles(registry, { 'data/images/dog.jpg': 'dog v4' });
    dvdOk(registry, ['commit']);
    git(registry, 'commit', '-qam', 'v4');
    fs.writeFileSync(path.join(project, 'images/cat.jpg'), 'my edit');
    const blocked = dvd(project, ['update']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('local changes to imported data: images');
    expect(read(project, 'images/dog.jpg')).toBe('dog v3');
    dvdOk(project, ['update', '-f']);
    expect(read(project, 'images/cat.jpg')).toBe('cat v2');
    expect(read(project, 'images/dog.jpg')).toBe('dog v4');

    // Committing changed imported data makes it ordinary data (with a warning).
    fs.writeFileSync(path.join(project, 'images/cat.jpg'), 'my edit');
    const commit = dvdOk(project, ['commit']);
    expect(commit.stderr).toContain('images.dvd: the data changed since it was imported from ../registry:data/images');
    expect(read(project, 'images.dvd')).not.toContain('source:');
    expect(dvd(project, ['update', 'images']).stderr).toContain('images: not imported');
  });

  it('a file or a sub-folder inside a tracked folder; pull in a clone fetches from the source, push skips imports', () => {
    const { top, registry, project, store } = world();
    dvdOk(project, ['import', '../registry', 'data/images/sub', '-o', 'eels']);
    dvdOk(project, ['import', '../registry', 'data/images/cat.jpg', '--rev', 'v1']);
    dvdOk(project, ['import', '../registry', 'model.bin']);
    expect(read(project, 'eels/eel.jpg')).toBe('eel v1');
    expect(read(project, 'cat.jpg')).toBe('cat v1');
    expect(read(project, 'model.bin')).toBe('model v2');
    expect(read(project, 'cat.jpg.dvd')).toMatch(/^path: cat\.jpg\ntype: file\n/);

    // The project's own remote receives nothing of the imports.
    const own = path.join(top, 'own-store');
    fs.mkdirSync(own);
    dvdOk(project, ['remote', 'add', '-d', 'own', own]);
    expect(dvdOk(project, ['push']).stdout).toContain('Everything is already on own (0 objects)');
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', 'imports');

    // A clone beside it (the recorded ../registry resolves the same); the registry's
    // cache is gone, so the objects come from the registry's remote.
    const clone = path.join(top, 'clone');
    git(top, 'clone', '-q', project, clone);
    fs.rmSync(path.join(registry, '.dvd/cache'), { recursive: true });
    const pulled = dvdOk(clone, ['pull']);
    expect(pulled.stdout).toContain('fetched');
    expect(treeHashes(path.join(clone, 'eels'))).toEqual(treeHashes(path.join(project, 'eels')));
    expect(read(clone, 'cat.jpg')).toBe('cat v1');
    expect(read(clone, 'model.bin')).toBe('model v2');
    expect(dvdOk(clone, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    expect(fs.readdirSync(store).length).toBeGreaterThan(0);

    // A pointer edited to claim other data is caught: nothing is trusted.
    const clone2 = path.join(top, 'clone2');
    git(top, 'clone', '-q', project, clone2);
    const p = read(clone2, 'model.bin.dvd');
    fs.writeFileSync(path.join(clone2, 'model.bin.dvd'), p.replace(/sha256:[0-9a-f]{64}/, `sha256:${OID}`));
    const bad = dvd(clone2, ['pull']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`but model.bin.dvd says sha256:${OID}`);
  });

  it('the merge driver keeps the source block, and refuses to merge two source versions into one', () => {
    const { registry, project } = world();
    git(registry, 'tag', 'v2');
    writeFiles(registry, { 'data/images/dog.jpg': 'dog v3' });
    dvdOk(registry, ['commit']);
    git(registry, 'commit', '-qam', 'v3');
    git(registry, 'tag', 'v3');
    dvdOk(project, ['import', '../registry', 'data/images', '--rev', 'v1']);
    dvdOk(project, ['install']);
    // Without the eol=lf line dvd install adds, Git keeps a CRLF spelling as committed
    // (as in a repository that got its pointers from elsewhere).
    fs.writeFileSync(path.join(project, '.gitattributes'), '*.dvd merge=dvd\n');
    commitAll(project, 'images at v1');
    const base = read(project, 'images.dvd');

    // Both sides touch images.dvd: main only respells it (CRLF), left follows v2. Git
    // calls the driver, which takes left's pointer whole, source block and all.
    git(project, 'checkout', '-q', '-b', 'left');
    dvdOk(project, ['update', '--rev', 'v2', 'images']);
    commitAll(project, 'images at v2');
    const left = read(project, 'images.dvd');
    expect(left).toContain(`source: git\nrepo: ../registry\nrepo_path: data/images\nrev: v2\ncommit: ${git(registry, 'rev-parse', 'v2').trim()}\n`);
    git(project, 'checkout', '-q', 'main');
    fs.writeFileSync(path.join(project, 'images.dvd'), base.replace(/\n/g, '\r\n'));
    commitAll(project, 'crlf');
    const clean = gitMerge(project, 'left');
    expect(clean.code, clean.stderr).toBe(0);
    expect(read(project, 'images.dvd')).toBe(left);
    expect(read(project, 'images/cat.jpg')).toBe('cat v2');

    // Two branches follow different versions (v3; back to v1): the manifests would merge
    // file by file (cat v1, dog v3), but no source describes that, so it is a conflict,
    // not a silent drop of the source block.
    git(project, 'checkout', '-q', '-b', 'to-v3');
    dvdOk(project, ['update', '--rev', 'v3', 'images']);
    commitAll(project, 'images at v3');
    git(project, 'checkout', '-q', 'main');
    dvdOk(project, ['update', '--rev', 'v1', 'images']);
    commitAll(project, 'images back at v1 on main');
    const conflict = gitMerge(project, 'to-v3');
    expect(conflict.code).not.toBe(0);
    expect(conflict.stdout + conflict.stderr).toContain('images.dvd: both sides imported images from different source versions');
    expect(git(project, 'status', '--porcelain')).toContain('UU images.dvd');
  });

  it('refuses an OUT that exists or is inside tracked data, and a path the source does not track', () => {
    const { project } = world();
    writeFiles(project, { 'images/x': 'mine' });
    expect(dvd(project, ['import', '../registry', 'data/images']).stderr).toContain('images: already exists');
    expect(dvd(project, ['import', '../registry', 'nope']).stderr).toContain('nope: not tracked by dvd in ../registry at HEAD');
    dvdOk(project, ['add', 'images']);
    expect(dvd(project, ['import', '../registry', 'model.bin', '-o', 'images/m.bin']).stderr).toContain('inside images, which dvd already tracks');
    expect(fs.existsSync(path.join(project, 'model.bin.dvd'))).toBe(false);
  });
});

let s3: S3rverHandle;
let client: S3Client;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'raw-data' });
  client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const put = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: 'raw-data', Key: key, Body: body }));

describe('dvd import-url and update', { timeout: 240_000 }, () => {
  it('S3: an object and a folder of objects; update reads again only when an ETag or size moved', async () => {
    await put('2024/table.csv', 'a,b\n1,2\n');
    await put('2024/images/one.png', 'one');
    await put('2024/images/two/three.png', 'three');
    const r = tempRepo();
    cleanup(r);
    // The bucket's connection settings come from the remote on that bucket.
    dvdOk(r, ['remote', 'add', '-d', 'lake', 's3://raw-data/dvd']);
    dvdOk(r, ['remote', 'modify', 'lake', 'endpoint', s3.endpoint]);
    dvdOk(r, ['remote', 'modify', 'lake', 'path_style', 'true']);
    const env = s3.env;
    expect(dvdOk(r, ['import-url', 's3://raw-data/2024/table.csv'], { env }).stdout).toContain('imported table.csv from s3://raw-data/2024/table.csv (1 file, 8 B) -> table.csv.dvd');
    dvdOk(r, ['import-url', 's3://raw-data/2024/images/', 'imgs'], { env });
    expect(read(r, 'table.csv')).toBe('a,b\n1,2\n');
    expect(Object.keys(treeHashes(path.join(r, 'imgs'))).sort()).toEqual(['one.png', 'two/three.png']);
    expect(read(r, 'imgs/one.png')).toBe('one');
    expect(read(r, 'imgs/two/three.png')).toBe('three');
    expect(read(r, 'table.csv.dvd')).toMatch(/\nsource: url\nurl: s3:\/\/raw-data\/2024\/table\.csv\nstamp: s3:[0-9a-f]{32}:8\n$/);

    expect(dvdOk(r, ['update'], { env }).stdout).toBe('imgs: up to date\ntable.csv: up to date\n');
    await put('2024/images/two/three.png', 'three, edited');
    await put('2024/table.csv', 'a,b\n1,2\n'); // same bytes, same ETag
    const upd = dvdOk(r, ['update'], { env }).stdout;
    expect(upd).toContain('updated imgs -> imgs.dvd');
    expect(upd).toContain('table.csv: up to date');
    expect(read(r, 'imgs/two/three.png')).toBe('three, edited');
    expect(dvdOk(r, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    expect(dvd(r, ['import-url', 's3://raw-data/2024/nothing-here', 'x'], { env }).stderr).toContain('no such object, and no objects under it');
  });

  it("S3: an object at the bucket's root imports and updates like any other; the whole bucket is refused", async () => {
    await put('top.csv', 'x\n1\n');
    const r = tempRepo();
    cleanup(r);
    dvdOk(r, ['remote', 'add', '-d', 'lake', 's3://raw-data/dvd']);
    dvdOk(r, ['remote', 'modify', 'lake', 'endpoint', s3.endpoint]);
    const env = s3.env;
    expect(dvdOk(r, ['import-url', 'S3://raw-data/top.csv'], { env }).stdout).toContain('imported top.csv from S3://raw-data/top.csv (1 file, 4 B) -> top.csv.dvd');
    expect(read(r, 'top.csv')).toBe('x\n1\n');
    expect(dvdOk(r, ['update'], { env }).stdout).toBe('top.csv: up to date\n');
    await put('top.csv', 'x\n2\n');
    expect(dvdOk(r, ['update'], { env }).stdout).toContain('updated top.csv -> top.csv.dvd');
    expect(read(r, 'top.csv')).toBe('x\n2\n');
    const whole = dvd(r, ['import-url', 's3://raw-data/', 'all'], { env });
    expect(whole.code).toBe(2);
    expect(whole.stderr).toContain('s3://raw-data/: name an object or a folder in the bucket (s3://bucket/key)');
    const badName = dvd(r, ['import-url', 's3://Raw_Data/top.csv'], { env });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('bucket name "Raw_Data"');
    expect(fs.existsSync(path.join(r, 'all.dvd'))).toBe(false);
  });

  it('a local folder: mtime-only changes refresh the stamp, content changes update the data', () => {
    const r = tempRepo();
    cleanup(r);
    const src = tempDir('dvd-url-src-');
    cleanup(src);
    writeFiles(src, { 'a.csv': 'a\n', 'nested/b.csv': 'b\n' });
    dvdOk(r, ['import-url', src, 'raw']);
    expect(read(r, 'raw/nested/b.csv')).toBe('b\n');
    const p1 = read(r, 'raw.dvd');
    expect(p1).toContain(`source: url\nurl: ${path.relative(r, src)}\nstamp: dir:sha256:`);
    expect(dvdOk(r, ['update', 'raw']).stdout).toBe('raw: up to date\n');
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(src, 'a.csv'), t, t);
    expect(dvdOk(r, ['update', 'raw']).stdout).toContain("raw: same data; raw.dvd records the source's new state");
    const p2 = read(r, 'raw.dvd');
    expect(p2).not.toBe(p1);
    expect(p2.split('\n').slice(0, 5)).toEqual(p1.split('\n').slice(0, 5));
    fs.writeFileSync(path.join(src, 'a.csv'), 'a, changed\n');
    expect(dvdOk(r, ['update', 'raw']).stdout).toContain('updated raw -> raw.dvd');
    expect(read(r, 'raw/a.csv')).toBe('a, changed\n');
    // A single file by file:// URL.
    dvdOk(r, ['import-url', `file://${path.join(src, 'nested/b.csv')}`, 'b.csv']);
    expect(read(r, 'b.csv')).toBe('b\n');
    expect(dvd(r, ['import-url', 'gs://bucket/x', 'x']).stderr).toContain('unsupported scheme');
  });
});
