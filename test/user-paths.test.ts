import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote, UserPaths } from '../src/core/userPaths.js';
import { DVD_BIN, dvd, dvdOk, git, tempDir, tempRepo, writeFiles } from './helpers.js';

// Issue 9 C16: what dvd prints for the user to run works when pasted in the folder dvd
// ran in (with -C DIR: in DIR, as for git -C), shell-quoted; every command that takes
// paths takes them relative to that folder.

/** Run a printed command line in a real shell, as a user pasting it would. */
function sh(cwd: string, line: string) {
  const r = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_COMMITTER_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_EMAIL: 't@e', PATH: `${path.dirname(DVD_SHIM)}:${process.env.PATH}` } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// `dvd` on PATH for pasted dvd commands.
const DVD_SHIM = (() => {
  const dir = tempDir('dvd-shim-');
  const bin = path.join(dir, 'dvd');
  fs.writeFileSync(bin, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(DVD_BIN)} "$@"\n`);
  fs.chmodSync(bin, 0o755);
  return bin;
})();

/** The `git add ...` line dvd prints after "run:". */
function printedGitAdd(out: string): string {
  const m = /^\t(git add .*)$/m.exec(out);
  if (!m) throw new Error(`no git add line in ${out}`);
  return m[1];
}
const staged = (repo: string) => git(repo, 'diff', '--cached', '--name-only', '-z').split('\0').filter(Boolean).sort();

const ODD = "it's $HOME & more.csv";

describe('shell quoting', () => {
  it('quotes what a shell would change, leaves plain paths alone', () => {
    expect(shellQuote('data/a-b_c.1,2:3@x+y=z%')).toBe('data/a-b_c.1,2:3@x+y=z%');
    for (const s of ["it's", 'a b', '$HOME', 'a*b', '', 'x\ny', '~user', 'a;b', '`x`', '"q"']) {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
      expect(r.stdout, s).toBe(s);
    }
    const p = new UserPaths('/r', '/r/sub');
    expect(p.show('data/x')).toBe('../data/x');
    expect(p.show('sub')).toBe('.');
    expect(p.arg('sub/-rf')).toBe('./-rf');
    expect(p.command('git add', ['sub/a b', 'c'])).toBe("git add 'a b' ../c");
  });
});

describe('printed commands work where dvd ran', { timeout: 120_000 }, () => {
  it('from a subfolder: add, commit, untrack print `git add` lines that work there, quoted', () => {
    const repo = tempRepo();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'root');
    const sub = path.join(repo, 'sub');
    writeFiles(repo, { 'data/a': 'a', [`sub/${ODD}`]: 'odd', 'sub/-dash': 'dash' });
    const add = dvdOk(sub, ['add', '../data', ODD, '--', '-dash']);
    expect(add.stdout).toContain(`-> ${ODD}.dvd`);
    expect(add.stdout).toContain('added ../data ');
    const line = printedGitAdd(add.stdout);
    expect(sh(sub, line).code).toBe(0);
    expect(staged(repo)).toEqual(['.gitignore', 'data.dvd', 'sub/-dash.dvd', 'sub/.gitignore', `sub/${ODD}.dvd`].sort());
    git(repo, 'commit', '-qm', 'add');

    fs.writeFileSync(path.join(sub, ODD), 'odd v2');
    const cm = dvdOk(sub, ['commit']);
    expect(cm.stdout).toContain(`committed ${ODD} -> ${ODD}.dvd`);
    expect(sh(sub, printedGitAdd(cm.stdout)).code).toBe(0);
    expect(staged(repo)).toEqual([`sub/${ODD}.dvd`]);
    git(repo, 'commit', '-qm', 'v2');

    const un = dvdOk(sub, ['untrack', ODD]);
    expect(sh(sub, printedGitAdd(un.stdout)).code).toBe(0);
    expect(staged(repo)).toEqual(['sub/.gitignore', `sub/${ODD}.dvd`]);
  });

  it('status names paths relative to the folder and its `dvd checkout` hint restores the target', () => {
    const repo = tempRepo();
    writeFiles(repo, { [`my data/${ODD}`]: 'x', 'my data/b': 'b', 'model.bin': 'm' });
    dvdOk(repo, ['add', 'my data', 'model.bin']);
    const sub = path.join(repo, 'deep', 'er');
    fs.mkdirSync(sub, { recursive: true });
    fs.rmSync(path.join(repo, 'model.bin'));
    fs.writeFileSync(path.join(repo, 'my data/b'), 'b2');
    const st = dvd(sub, ['status']);
    expect(st.stdout).toContain('../../my data.dvd:');
    expect(st.stdout).toContain('modified: ../../my data/b');
    const hint = /run `(dvd checkout [^`]+)` to restore/.exec(st.stdout);
    expect(hint?.[1]).toBe('dvd checkout ../../model.bin');
    expect(sh(sub, hint![1]).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'model.bin'), 'utf8')).toBe('m');

    // checkout's list of files it would overwrite is relative too, and quoted names paste.
    const co = dvd(sub, ['checkout']);
    expect(co.code).toBe(1);
    expect(co.stderr).toContain('  ../../my data/b');
  });

  it('with -C DIR the printed paths and commands are relative to DIR', () => {
    const repo = tempRepo();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'root');
    writeFiles(repo, { 'sub/x y': 'x', 'model.bin': 'm' });
    const add = dvdOk(repo, ['-C', 'sub', 'add', 'x y', '../model.bin']);
    const line = printedGitAdd(add.stdout);
    expect(line).toBe("git add 'x y.dvd' .gitignore ../model.bin.dvd ../.gitignore");
    expect(sh(path.join(repo, 'sub'), line).code).toBe(0);
    fs.rmSync(path.join(repo, 'model.bin'));
    const st = dvd(repo, ['-C', 'sub', 'status']);
    expect(st.stdout).toContain('run `dvd checkout ../model.bin` to restore');
  });

  it('every command that takes paths takes them relative to the current folder', () => {
    const repo = tempRepo();
    const store = tempDir('dvd-store-');
    writeFiles(repo, { 'data/a': 'a', 'sub/s': 's', 'other/o': 'o' });
    const sub = path.join(repo, 'sub');
    dvdOk(sub, ['add', '../data', 's', '../other']);
    // A folder remote given relative to the subfolder is that folder, wherever dvd runs later.
    const rel = path.relative(sub, store);
    dvdOk(sub, ['remote', 'add', '-d', 'share', rel]);
    dvdOk(repo, ['push', 'data']);
    expect(fs.existsSync(path.join(store, 'sha256'))).toBe(true);
    dvdOk(sub, ['push', '../other', 's']);
    fs.writeFileSync(path.join(repo, 'data/a'), 'a2');
    expect(dvd(sub, ['status', '../data']).stdout).toContain('modified: ../data/a');
    expect(dvd(sub, ['status', 's']).stdout).toBe('Data and pointers are up to date.\n');
    dvdOk(sub, ['checkout', '-f', '../data']);
    expect(fs.readFileSync(path.join(repo, 'data/a'), 'utf8')).toBe('a');
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    dvdOk(sub, ['fetch', '../data']);
    fs.rmSync(path.join(repo, 'other/o'));
    dvdOk(sub, ['pull', '../other']);
    expect(fs.readFileSync(path.join(repo, 'other/o'), 'utf8')).toBe('o');
    expect(dvdOk(sub, ['ls', '../data']).stdout).toContain('a');
    fs.writeFileSync(path.join(repo, 'data/a'), 'a3');
    dvdOk(sub, ['commit', '../data']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toContain('size: 2');
    dvdOk(sub, ['untrack', '../data']);
    expect(fs.existsSync(path.join(repo, 'data.dvd'))).toBe(false);
  });
});

/** Every `command` quoted in the text (hints and advice), in order. */
const quotedCommands = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('printed hints work when pasted, whatever Git knows', { timeout: 120_000 }, () => {
  it('untrack and move of a pointer never committed print `git add` lines that work', () => {
    const repo = tempRepo();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'root');
    writeFiles(repo, { 'small.txt': 's', 'other.txt': 'o', 'kept.txt': 'k' });
    dvdOk(repo, ['add', 'small.txt', 'other.txt', 'kept.txt']);
    const un = dvdOk(repo, ['untrack', 'small.txt']);
    expect(sh(repo, printedGitAdd(un.stdout))).toMatchObject({ code: 0 });
    const mv = dvdOk(repo, ['move', 'other.txt', 'moved.txt']);
    expect(sh(repo, printedGitAdd(mv.stdout))).toMatchObject({ code: 0 });
    expect(staged(repo)).toEqual(['.gitignore', 'moved.txt.dvd']);
    // Committed first: the removal is staged by the same kind of line.
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'kept');
    const un2 = dvdOk(repo, ['untrack', 'kept.txt']);
    expect(sh(repo, printedGitAdd(un2.stdout))).toMatchObject({ code: 0 });
    expect(staged(repo)).toEqual(['.gitignore', 'kept.txt.dvd']);
  });

  it('a copied pointer: `rm` when Git does not track the copy, `git rm` when it does', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'd/a': 'a' });
    dvdOk(repo, ['add', 'd']);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'd');
    fs.copyFileSync(path.join(repo, 'd.dvd'), path.join(repo, 'd-v1.dvd'));
    let st = dvd(repo, ['status']);
    expect(st.code).toBe(1);
    let [fix] = quotedCommands(st.stderr.split('hint: ')[1]);
    expect(fix).toBe('rm d-v1.dvd');
    expect(sh(repo, fix).code).toBe(0);
    expect(dvd(repo, ['status']).code).toBe(0);
    fs.copyFileSync(path.join(repo, 'd.dvd'), path.join(repo, 'd-v1.dvd'));
    git(repo, 'add', 'd-v1.dvd');
    git(repo, 'commit', '-qm', 'copy');
    st = dvd(repo, ['status']);
    [fix] = quotedCommands(st.stderr.split('hint: ')[1]);
    expect(fix).toBe('git rm d-v1.dvd');
    expect(sh(repo, fix).code).toBe(0);
    expect(dvd(repo, ['status']).code).toBe(0);
  });

  it('after a partial fetch, status sends to `dvd pull` for what the cache lacks, and that works', () => {
    const repo = tempRepo();
    const store = tempDir('dvd-store-');
    writeFiles(repo, { 'd/f.txt': 'f', 'd/g.txt': 'g' });
    dvdOk(repo, ['add', 'd']);
    dvdOk(repo, ['remote', 'add', '-d', 't', store]);
    dvdOk(repo, ['push']);
    fs.rmSync(path.join(repo, '.dvd/cache'), { recursive: true });
    fs.rmSync(path.join(repo, 'd'), { recursive: true });
    // commit of the deleted target names pull too, not a checkout that would fail.
    const cm = dvd(repo, ['commit', 'd']);
    expect(cm.code).toBe(1);
    expect(quotedCommands(cm.stderr.split('hint: ')[1])[0]).toBe('dvd pull d');
    dvdOk(repo, ['fetch', 'd/f.txt']);
    const st = dvdOk(repo, ['status']);
    expect(st.stdout).toContain('deleted:  d  (not in the cache: run `dvd pull d` to restore)');
    const [fix] = quotedCommands(st.stdout);
    expect(sh(repo, fix).code).toBe(0);
    expect(dvdOk(repo, ['status']).stdout).toBe('Data and pointers are up to date.\n');
    // A path inside it names that path.
    fs.rmSync(path.join(repo, 'd'), { recursive: true });
    expect(dvdOk(repo, ['status', 'd/f.txt']).stdout).toContain('deleted:  d/f.txt  (run `dvd checkout d/f.txt` to restore)');
  });

  it('remote rename to the same name is refused as such; import-url without credentials names no stand-in remote', () => {
    const repo = tempRepo();
    dvdOk(repo, ['remote', 'add', 't', tempDir('dvd-store-')]);
    const r = dvd(repo, ['remote', 'rename', 't', 't']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already called that');
    expect(r.stderr).not.toContain('remove');
    const emptyHome = tempDir('dvd-home-');
    const u = dvd(repo, ['import-url', 's3://bucket/dir/key.bin'], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true', HOME: emptyHome } });
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('no AWS credentials found for s3://bucket/dir/key.bin');
    expect(u.stderr).not.toContain('import-url profile');
    expect(u.stderr).toContain('-r NAME');
  });
});
