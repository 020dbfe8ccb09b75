// dvd beside its peers on the same data (issue 15): git-lfs with a local standalone-file
// remote, git-annex with a directory special remote, dvd with a folder remote. Each does
// the same five jobs: track + commit, status with nothing changed, push everything,
// clone + fetch into a new workspace, and switch between two versions that differ in
// 1% of the files. Remotes live on another file system (an ext4 image mounted through a
// loop device, else a tmpfs), so no tool can hard-link its way to a fast push or clone.
// git-annex runs in its default (locked) mode: files are symlinks into .git/annex, which
// is how most users meet it.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sh } from './measure.js';

export const PEER_OPS = ['peer-track', 'peer-status', 'peer-push', 'peer-clone', 'peer-switch'];
export const PEER_TOOLS = ['git-lfs', 'git-annex', 'dvd'];

const have = (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;

/** Which peers are installed (git-lfs and git-annex are Debian packages: apt-get install git-lfs git-annex). */
export function peersAvailable() {
  return { 'git-lfs': have('git-lfs'), 'git-annex': have('git-annex'), dvd: true };
}

/**
 * A separate file system for the remotes under `dir`, big enough for `bytes`: an ext4
 * image on a loop device (the disk, as a real second disk would be), else a tmpfs.
 * Returns { root, kind, unmount } or null when neither can be mounted (not root).
 */
export function mountRemoteFs(dir, bytes) {
  const mnt = path.join(dir, 'remote-fs');
  fs.mkdirSync(mnt, { recursive: true });
  spawnSync('umount', [mnt]);
  const img = path.join(dir, 'remote-fs.img');
  const size = Math.ceil((bytes * 1.3 + 512 * 1024 ** 2) / 1024 ** 2);
  fs.rmSync(img, { force: true });
  let kind = null;
  if (spawnSync('truncate', ['-s', `${size}M`, img]).status === 0 &&
    spawnSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', img]).status === 0 &&
    spawnSync('mount', ['-o', 'loop', img, mnt]).status === 0) {
    kind = 'ext4 image on a loop device';
  } else if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}m`, 'tmpfs', mnt]).status === 0) {
    fs.rmSync(img, { force: true });
    kind = 'tmpfs';
  } else {
    fs.rmSync(img, { force: true });
    return null;
  }
  return {
    root: mnt,
    kind,
    unmount: () => {
      spawnSync('umount', [mnt]);
      fs.rmSync(img, { force: true });
    },
  };
}

/**
 * Measure every peer op for every available tool on workload `name`. `ctx` carries the
 * harness's pieces: measure(), env, the dvd command line, applyChange, the data `src`,
 * the workload folder `dir` and `rm` (moves old output to the harness's trash).
 */
export async function runPeers(ctx) {
  const { name, src, dir, measure, env, dvdArgs, nodePath, applyChange, seed, heavy, rm, log, wantOp } = ctx;
  const available = peersAvailable();
  const remoteFs = mountRemoteFs(dir, ctx.bytes);
  if (!remoteFs) {
    log('  peers: cannot mount a separate file system for the remotes (not root?): skipped');
    return;
  }
  log(`  peers: remotes on ${remoteFs.kind} at ${remoteFs.root}`);
  const quoted = (a) => a.map((x) => `'${x.replace(/'/g, "'\\''")}'`).join(' ');
  const dvdCmd = quoted([nodePath, ...dvdArgs()]);
  const git = (cwd, ...a) => sh('git', a, { cwd, env });
  const shell = (cwd, script) => sh('sh', ['-c', script], { cwd, env });
  try {
    for (const tool of PEER_TOOLS) {
      if (!available[tool]) {
        log(`  peers: ${tool} not installed: skipped`);
        continue;
      }
      const t = TOOLS[tool]({ dvdCmd, remote: path.join(remoteFs.root, tool), name });
      const repo = path.join(dir, `peer-${tool}`);
      const fresh = () => {
        rm(repo);
        fs.mkdirSync(repo);
        git(repo, 'init', '-q', '-b', 'main');
        shell(repo, `cp -r ${quoted([src])} data && rm -f data/.bench-generated`);
        for (const s of t.init) shell(repo, s);
      };
      // Track + commit: one timed run (each needs a fresh copy of the data).
      const label = (what) => `${tool}: ${what}`;
      const rec = { workload: name, tool, heavy: true };
      if (wantOp('peer-track')) {
        await measure({ ...rec, op: 'peer-track', label: label('track + commit'), cmd: 'sh', args: ['-c', t.track], cwd: repo, setup: fresh, n: 1, warm: 0 });
      } else {
        fresh();
        shell(repo, t.track);
      }
      git(repo, 'tag', 'v1');
      if (wantOp('peer-status')) await measure({ ...rec, op: 'peer-status', label: label('status, nothing changed'), cmd: 'sh', args: ['-c', t.status], cwd: repo, heavy: false });
      applyChange(name, seed, path.join(repo, 'data'), 1);
      shell(repo, t.commitV2);
      git(repo, 'tag', 'v2');
      if (wantOp('peer-switch')) {
        const ver = (i) => (i % 2 === 0 ? 'v1' : 'v2');
        await measure({ ...rec, op: 'peer-switch', label: label('switch v2 <-> v1 (1% differ)'), cmd: 'sh', args: (i) => ['-c', t.switchTo(ver(i))], cwd: repo, heavy: false, n: 4 });
        shell(repo, t.switchTo('v2'));
      }
      const resetRemote = () => {
        spawnSync('rm', ['-rf', t.remote]);
        fs.mkdirSync(t.remote, { recursive: true });
        for (const s of t.remoteInit) shell(repo, s);
      };
      if (wantOp('peer-push') || wantOp('peer-clone')) {
        await measure({ ...rec, op: 'peer-push', label: label('push everything'), cmd: 'sh', args: ['-c', t.push], cwd: repo, setup: resetRemote, n: heavy ? 1 : 2, warm: 0 });
      }
      if (wantOp('peer-clone')) {
        const clone = path.join(dir, `peer-${tool}-clone`);
        await measure({ ...rec, op: 'peer-clone', label: label('clone + fetch the data'), cmd: 'sh', args: ['-c', t.clone(repo, clone)], cwd: dir, setup: () => rm(clone), n: heavy ? 1 : 2, warm: 0 });
        rm(clone);
      }
      rm(repo);
      spawnSync('rm', ['-rf', t.remote]);
    }
  } finally {
    remoteFs.unmount();
  }
}

// Each tool's commands, as shell lines run in its repository (clone: in the workload folder).
const TOOLS = {
  'git-lfs': ({ remote }) => ({
    remote,
    init: ['git lfs install --local >/dev/null', `git remote add origin 'file://${remote}/repo.git'`],
    track: "git lfs track 'data/**' >/dev/null && git add .gitattributes data && git commit -q -m v1",
    status: 'git status >/dev/null',
    commitV2: 'git add data && git commit -q -m v2',
    switchTo: (v) => `git checkout -q ${v}`,
    // The Git refs go first without the pre-push hook (which would push the LFS objects untimed).
    remoteInit: [`git init -q --bare -b main '${remote}/repo.git'`, 'git push -q --no-verify origin main v1 v2'],
    push: 'git lfs push --all origin >/dev/null',
    // git-lfs's advice for speed: clone without the smudge filter, then one batched pull.
    clone: (repo, clone) => `GIT_LFS_SKIP_SMUDGE=1 git clone -q 'file://${remote}/repo.git' '${clone}' && cd '${clone}' && git lfs install --local >/dev/null && git lfs pull`,
  }),
  'git-annex': ({ remote }) => ({
    remote,
    init: ['git annex init -q bench', 'git config annex.jobs cpus'],
    track: 'git annex add -q data && git commit -q -m v1',
    status: 'git status >/dev/null',
    commitV2: 'git annex add -q data && git commit -q -a -m v2',
    switchTo: (v) => `git checkout -q ${v}`,
    // A second run finds the remote known (enableremote), and fsck tells annex it was emptied.
    remoteInit: [`git annex initremote dir type=directory directory='${remote}' encryption=none -q >/dev/null 2>&1 || git annex enableremote dir directory='${remote}' -q`, 'git annex fsck -q --fast --from dir data >/dev/null 2>&1 || true'],
    push: 'git annex copy -q --to dir data',
    clone: (repo, clone) => `git clone -q '${repo}' '${clone}' && cd '${clone}' && git annex init -q clone && git annex enableremote dir directory='${remote}' -q && git annex get -q --from dir data`,
  }),
  dvd: ({ dvdCmd, remote }) => ({
    remote,
    init: [`mkdir -p '${remote}'`, `${dvdCmd} init -q`, `${dvdCmd} remote add -d folder '${remote}'`],
    track: `${dvdCmd} add -q data && git add data.dvd .gitignore .gitattributes .dvd && git commit -q -m v1`,
    status: `${dvdCmd} status -q`,
    commitV2: `${dvdCmd} commit -q && git commit -q -a -m v2`,
    switchTo: (v) => `git checkout -q ${v} && ${dvdCmd} checkout -q`,
    remoteInit: [],
    push: `${dvdCmd} push -q`,
    clone: (repo, clone) => `git clone -q '${repo}' '${clone}' && cd '${clone}' && ${dvdCmd} pull -q`,
  }),
};
