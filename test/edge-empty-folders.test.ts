import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvd, dvdOk, git, tempRepo, writeFiles } from './helpers.js';

// Issue 9 B8: an empty tracked folder is restored by checkout, and status and checkout
// never contradict each other. Decision (README): manifests list files only, as Git's
// trees and DVC's .dir lists do, so an empty sub-folder inside a tracked folder is
// neither recorded nor reported; the tracked folder itself always exists after checkout.

const UP_TO_DATE = 'Data and pointers are up to date.\n';
const targetState = (repo: string) => JSON.parse(dvdOk(repo, ['status', '--json']).stdout).targets.map((t: { target: string; state: string }) => `${t.target}:${t.state}`);

describe('empty folders', () => {
  it('an empty tracked folder that was deleted: status says so, checkout restores it, status agrees', () => {
    const repo = tempRepo();
    fs.mkdirSync(path.join(repo, 'empty'));
    fs.mkdirSync(path.join(repo, 'deep/er/empty'), { recursive: true });
    dvdOk(repo, ['add', 'empty', 'deep/er/empty']);
    expect(fs.readFileSync(path.join(repo, 'empty.dvd'), 'utf8')).toMatch(/\ntype: dir\n.*\nsize: 0\nfiles: 0\n$/s);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    fs.rmSync(path.join(repo, 'empty'), { recursive: true });
    fs.rmSync(path.join(repo, 'deep/er/empty'), { recursive: true });
    expect(targetState(repo)).toEqual(['deep/er/empty:missing', 'empty:missing']);
    expect(dvdOk(repo, ['checkout']).stdout).toBe('deep/er/empty: empty folder restored\nempty: empty folder restored\n');
    for (const d of ['empty', 'deep/er/empty']) {
      expect(fs.lstatSync(path.join(repo, d)).isDirectory()).toBe(true);
      expect(fs.readdirSync(path.join(repo, d))).toEqual([]);
    }
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    // A second checkout has nothing to do.
    expect(dvdOk(repo, ['checkout']).stdout).toBe('Nothing to check out: the workspace matches 2 pointers.\n');
    // get of an empty tracked folder gives an empty folder.
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'empty folders');
    dvdOk(repo, ['get', repo, 'empty', '-o', path.join(repo, 'got')]);
    expect(fs.readdirSync(path.join(repo, 'got'))).toEqual([]);
  });

  it('a file where an empty tracked folder belongs blocks checkout, and checkout -f replaces it with the folder', () => {
    const repo = tempRepo();
    fs.mkdirSync(path.join(repo, 'slot'));
    dvdOk(repo, ['add', 'slot']);
    fs.rmdirSync(path.join(repo, 'slot'));
    fs.writeFileSync(path.join(repo, 'slot'), 'not a folder');
    expect(targetState(repo)).toEqual(['slot:modified']);
    expect(dvd(repo, ['checkout']).stderr).toContain('checkout would overwrite or delete 1 file(s)');
    dvdOk(repo, ['checkout', '-f']);
    expect(fs.lstatSync(path.join(repo, 'slot')).isDirectory()).toBe(true);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('a version with no files left: checkout empties the folder and keeps it; the earlier version comes back', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A', 'data/sub/b': 'B' });
    dvdOk(repo, ['add', 'data']);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    fs.rmSync(path.join(repo, 'data/a'));
    fs.rmSync(path.join(repo, 'data/sub'), { recursive: true });
    dvdOk(repo, ['commit']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toContain('files: 0\n');
    git(repo, 'commit', '-qam', 'v2: empty');
    git(repo, 'checkout', '-q', 'HEAD~1');
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'data/sub/b'), 'utf8')).toBe('B');
    git(repo, 'checkout', '-q', 'main');
    dvdOk(repo, ['checkout']);
    expect(fs.readdirSync(path.join(repo, 'data'))).toEqual([]);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    fs.rmSync(path.join(repo, 'data'), { recursive: true });
    expect(targetState(repo)).toEqual(['data:missing']);
    dvdOk(repo, ['checkout']);
    expect(fs.readdirSync(path.join(repo, 'data'))).toEqual([]);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });

  it('empty sub-folders inside a tracked folder are not recorded, so status never reports them and checkout leaves them be', () => {
    const repo = tempRepo();
    writeFiles(repo, { 'data/a': 'A' });
    fs.mkdirSync(path.join(repo, 'data/empty/deeper'), { recursive: true });
    dvdOk(repo, ['add', 'data']);
    const pointer = fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8');
    expect(pointer).toContain('files: 1\n');
    // Removing or adding empty sub-folders changes nothing dvd records or reports.
    fs.rmSync(path.join(repo, 'data/empty'), { recursive: true });
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    fs.mkdirSync(path.join(repo, 'data/other'));
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
    dvdOk(repo, ['commit']);
    expect(fs.readFileSync(path.join(repo, 'data.dvd'), 'utf8')).toBe(pointer);
    expect(dvdOk(repo, ['checkout']).stdout).toBe('Nothing to check out: the workspace matches 1 pointer.\n');
    expect(fs.existsSync(path.join(repo, 'data/other'))).toBe(true);
    expect(dvdOk(repo, ['status']).stdout).toBe(UP_TO_DATE);
  });
});
