import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, DVD_BIN, dvd, dvdOk, git, pointerOidAt, storedOids, tempDir, tempRepo, writeFiles, type RunResult } from './helpers.js';

// Runs a command on a real pseudo-terminal, answers the first question it asks, and
// returns everything the terminal showed. The 120 s select is a hang guard only.
const PTY_RUNNER = `
import os, pty, select, sys
answer = os.environ['DVD_TEST_ANSWER'].encode() + b'\\n'
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, sent = b'', False
while True:
    ready, _, _ = select.select([fd], [], [], 120)
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and (b'[y/N] ' in out or b'to confirm: ' in out):
        os.write(fd, answer)
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

function dvdOnTty(cwd: string, args: string[], answer: string): RunResult {
  const script = path.join(tempDir('dvd-pty-'), 'answer_on_tty.py');
  fs.writeFileSync(script, PTY_RUNNER);
  const r = spawnSync('python3', [script, process.execPath, DVD_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DVD_TEST_ANSWER: answer, XDG_CONFIG_HOME: path.join(os.tmpdir(), 'dvd-test-xdg-none'), NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout.replace(/\r\n/g, '\n'), stderr: r.stderr };
}

/** The repo: model.bin v1 and v2 and a data/ folder v1 and v2, committed, no remote. */
function twoVersions() {
  const repo = tempRepo();
  writeFiles(repo, { 'model.bin': 'model v1', 'data/a.txt': 'a1', 'data/b.txt': 'b1' });
  dvdOk(repo, ['add', 'model.bin', 'data']);
  const v1 = commitAll(repo, 'v1');
  writeFiles(repo, { 'model.bin': 'model v2', 'data/a.txt': 'a2' });
  dvdOk(repo, ['commit']);
  const v2 = commitAll(repo, 'v2');
  // v1's model.bin, v1's a.txt and v1's manifest are garbage for -w.
  const garbage = [pointerOidAt(repo, v1, 'model.bin.dvd'), pointerOidAt(repo, v1, 'data.dvd')];
  return { repo, v1, v2, garbage };
}

describe('gc never deletes the only copy without a yes', () => {
  it('without a terminal it refuses, says how many objects are on no remote, and deletes nothing; -f deletes', () => {
    const { repo, garbage } = twoVersions();
    const before = storedOids(path.join(repo, '.dvd/cache'));
    const r = dvd(repo, ['gc', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gc would remove 3 objects');
    expect(r.stderr).toContain('3 of them are on no remote');
    expect(r.stderr).toMatch(/-f/);
    expect(storedOids(path.join(repo, '.dvd/cache'))).toEqual(before);
    // v1 can still be checked out.
    git(repo, 'checkout', '-q', 'HEAD~1');
    dvdOk(repo, ['checkout']);
    expect(fs.readFileSync(path.join(repo, 'model.bin'), 'utf8')).toBe('model v1');
    git(repo, 'checkout', '-q', 'main');
    dvdOk(repo, ['checkout']);
    const forced = dvdOk(repo, ['gc', '-w', '-f']);
    expect(forced.stdout).toContain('cache: removed 3 objects');
    for (const g of garbage) expect(storedOids(path.join(repo, '.dvd/cache'))).not.toContain(g);
    expect(storedOids(path.join(repo, '.dvd/cache'))).toHaveLength(before.length - 3);
  });

  it('deletes without a question when every object it removes is on a remote', () => {
    const { repo, garbage } = twoVersions();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', 'store', store]);
    dvdOk(repo, ['push', '--all-commits', '-r', 'store']);
    const r = dvdOk(repo, ['gc', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.stdout).toContain('cache: removed 3 objects');
    for (const g of garbage) expect(storedOids(store)).toContain(g);
    for (const g of garbage) expect(storedOids(path.join(repo, '.dvd/cache'))).not.toContain(g);
  });

  it('on a terminal it asks (y/N): N keeps everything, y deletes', () => {
    const { repo, garbage } = twoVersions();
    const before = storedOids(path.join(repo, '.dvd/cache'));
    for (const no of ['N', '', 'whatever']) {
      const r = dvdOnTty(repo, ['gc', '-w'], no);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain('3 of them are on no remote');
      expect(r.stdout).toContain('[y/N]');
      expect(r.stdout).toContain('nothing deleted');
      expect(storedOids(path.join(repo, '.dvd/cache'))).toEqual(before);
    }
    const yes = dvdOnTty(repo, ['gc', '-w'], 'y');
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.stdout).toContain('cache: removed 3 objects');
    for (const g of garbage) expect(storedOids(path.join(repo, '.dvd/cache'))).not.toContain(g);
  });

  it('with -r nothing at all is deleted, locally or on the remote, before the remote part is confirmed', () => {
    const { repo, garbage } = twoVersions();
    const store = tempDir('dvd-store-');
    dvdOk(repo, ['remote', 'add', '-d', 'store', store]);
    dvdOk(repo, ['push', '--all-commits']);
    const cacheBefore = storedOids(path.join(repo, '.dvd/cache'));
    const storeBefore = storedOids(store);
    const refused = dvd(repo, ['gc', '-w', '-r', 'store'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('3 objects from remote store');
    expect(storedOids(path.join(repo, '.dvd/cache'))).toEqual(cacheBefore);
    expect(storedOids(store)).toEqual(storeBefore);
    // On a terminal: the remote's name must be typed; anything else deletes nothing.
    const wrong = dvdOnTty(repo, ['gc', '-w', '-r', 'store'], 'y');
    expect(wrong.code, wrong.stdout).toBe(1);
    expect(wrong.stdout).toContain('Type the remote name (store) to confirm: ');
    expect(storedOids(path.join(repo, '.dvd/cache'))).toEqual(cacheBefore);
    expect(storedOids(store)).toEqual(storeBefore);
    const typed = dvdOnTty(repo, ['gc', '-w', '-r', 'store'], 'store');
    expect(typed.code, typed.stdout).toBe(0);
    for (const g of garbage) {
      expect(storedOids(path.join(repo, '.dvd/cache'))).not.toContain(g);
      expect(storedOids(store)).not.toContain(g);
    }
  });

  it('--dry-run lists what would go by pointer and path, with the commit that used it', () => {
    const { repo, v1, garbage } = twoVersions();
    const r = dvdOk(repo, ['gc', '-w', '--dry-run']);
    const short = v1.slice(0, 12);
    expect(r.stdout).toContain(`model.bin (model.bin.dvd at ${short})`);
    expect(r.stdout).toContain(`data/a.txt (data.dvd at ${short})`);
    expect(r.stdout).toContain(`data/ manifest (data.dvd at ${short})`);
    expect(r.stdout).toContain('3 of them are on no remote');
    const json = JSON.parse(dvdOk(repo, ['gc', '-w', '--dry-run', '--json']).stdout);
    const model = json.cache.objects.find((o: { oid: string }) => o.oid === garbage[0]);
    expect(model).toMatchObject({ onNoRemote: true, usedBy: { rev: v1, pointerFile: 'model.bin.dvd', path: 'model.bin' } });
    // A version that no commit holds says so.
    writeFiles(repo, { 'model.bin': 'draft' });
    dvdOk(repo, ['commit']);
    writeFiles(repo, { 'model.bin': 'model v2' });
    dvdOk(repo, ['commit']);
    expect(dvdOk(repo, ['gc', '-w', '--dry-run']).stdout).toContain('(in no commit)');
  });
});
