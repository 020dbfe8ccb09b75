import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../src/cli/examples.js';
import { DVD_BIN, PROJECT, dvdOk, tempDir, writeFiles } from './helpers.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

// Issue 11, item 7: every example printed by `--help`, and every shell block of the
// README, runs as written. Help examples run in a copy of a prepared world (described at
// the top of src/cli/examples.ts) from its `project` folder; README blocks run in an empty
// folder. `dvd` is on PATH; the user config gives the S3 remotes named in the examples
// (lake, storage) the endpoint of a local s3rver, as a real user's config would name theirs.

let s3: S3rverHandle;
let top: string;
let env: NodeJS.ProcessEnv;

function run(cwd: string, script: string, extraEnv: NodeJS.ProcessEnv = {}) {
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, encoding: 'utf8', env: { ...env, ...extraEnv } });
}

function userConfig(xdg: string): void {
  fs.mkdirSync(path.join(xdg, 'dvd'), { recursive: true });
  const remote = (name: string) => `[remote "${name}"]\n\tendpoint = ${s3.endpoint}\n\tpath_style = true\n`;
  fs.writeFileSync(path.join(xdg, 'dvd', 'config'), remote('lake') + remote('storage'));
}

beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'ml-data' });
  const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await client.send(new CreateBucketCommand({ Bucket: 'bucket' }));
  await client.send(new PutObjectCommand({ Bucket: 'ml-data', Key: 'raw/2024/labels.csv', Body: 'id,label\n1,cat\n' }));
  client.destroy();

  top = tempDir('dvd-examples-');
  const bin = path.join(top, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'dvd'), `#!/bin/sh\nexec "${process.execPath}" "${DVD_BIN}" "$@"\n`, { mode: 0o755 });
  env = {
    ...process.env,
    ...s3.env,
    PATH: `${bin}:${process.env.PATH}`,
    XDG_CONFIG_HOME: path.join(top, 'xdg'),
    GIT_AUTHOR_NAME: 'Ex',
    GIT_COMMITTER_NAME: 'Ex',
    GIT_AUTHOR_EMAIL: 'ex@example.com',
    GIT_COMMITTER_EMAIL: 'ex@example.com',
    GIT_CONFIG_GLOBAL: path.join(top, 'gitconfig'),
  };
  fs.writeFileSync(path.join(top, 'gitconfig'), '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  userConfig(path.join(top, 'xdg'));
  const ok = (cwd: string, script: string) => {
    const r = run(cwd, script);
    if (r.status !== 0) throw new Error(`${script}\n${r.stdout}\n${r.stderr}`);
  };

  // ../registry: a dataset repository with v1 and v2, pushed to ../registry-store.
  const registry = path.join(top, 'world', 'registry');
  fs.mkdirSync(path.join(top, 'world', 'registry-store'), { recursive: true });
  fs.mkdirSync(registry);
  writeFiles(registry, { 'data/images/cat.jpg': 'cat v1', 'data/images/dog.jpg': 'dog v1', 'model.bin': 'model v1' });
  ok(registry, 'git init -q && dvd init -q && dvd remote add -q -d store ../registry-store && dvd add -q data/images model.bin && git add -A && git commit -qm v1 && git tag v1 && dvd push -q');
  writeFiles(registry, { 'data/images/cat.jpg': 'cat v2', 'model.bin': 'model v2' });
  ok(registry, 'dvd commit -q && git commit -qam v2 && git tag v2 && dvd push -q');

  // ../incoming: plain files from elsewhere.
  writeFiles(path.join(top, 'world', 'incoming', '2024'), { 'jan.csv': 'jan\n', 'feb.csv': 'feb\n' });

  // project: the repository the examples run in.
  const project = path.join(top, 'world', 'project');
  fs.mkdirSync(path.join(top, 'world', 'storage'));
  fs.mkdirSync(project);
  writeFiles(project, { 'data/raw/a.csv': 'a\n1\n', 'data/raw/b.csv': 'b\n2\n', 'data/features.csv': 'f\n', 'model.bin': 'weights v1' });
  ok(project, 'git init -q && dvd init -q && dvd remote add -q -d storage ../storage && dvd remote add -q lake s3://ml-data/dvd');
  ok(project, 'dvd add -q data/raw data/features.csv model.bin && git add -A && git commit -qm v1 && git tag v1');
  writeFiles(project, { 'data/raw/a.csv': 'a\n1\n3\n', 'model.bin': 'weights v2' });
  ok(project, 'dvd commit -q && dvd import -q ../registry data/images -o images --rev v2 && git add -A && git commit -qm v2 && dvd push -q -A');
  // A pipeline: stage features (data/raw and train.lr -> features.txt), and artifact model
  // registered at v1 and assigned to prod.
  writeFiles(project, {
    'dvd.yaml': 'stages:\n  features:\n    cmd: "cat data/raw/*.csv > features.txt && grep lr params.yaml >> features.txt"\n    deps: [data/raw]\n    params: [train.lr]\n    outs: [features.txt]\nartifacts:\n  model: {path: model.bin, type: model}\n',
    'params.yaml': 'train:\n  lr: 0.01\n',
  });
  ok(project, 'dvd repro -q && git add -A && git commit -qm pipeline && dvd push -q');
  ok(project, 'dvd artifact register -q model --path model.bin --version v1.0.0 --rev v1 && dvd artifact assign -q model --stage prod');
  // Stage train (features.txt and train.lr -> metrics.json, loss.csv), experiment `fast`
  // (train.lr 0.02) pushed to the Git remote origin; the workspace back at HEAD; every run
  // cache entry pushed, so gc has nothing only this machine holds.
  const train =
    'lr=$(sed -n "s/ *lr: *//p" params.yaml)\n' +
    'awk -v lr="$lr" \'BEGIN { printf "{\\"acc\\": %.3f, \\"loss\\": %.3f}\\n", 0.8 + 10 * lr, 0.35 - 10 * lr }\' > metrics.json\n' +
    'awk -v lr="$lr" \'BEGIN { print "step,loss"; for (s = 1; s <= 5; s++) printf "%d,%.4f\\n", s, 1 / (1 + 10 * lr * s) }\' > loss.csv\n';
  writeFiles(project, { 'train.sh': train });
  ok(project, 'dvd stage add -q -n train -d features.txt -d train.sh -p train.lr -M metrics.json --plots loss.csv -- sh train.sh');
  ok(project, 'dvd repro -q && git add -A && git commit -qm train && dvd push -q');
  ok(project, 'git init -q --bare ../project.git && git remote add origin ../project.git && git push -q origin main');
  ok(project, 'dvd exp run -q -S train.lr=0.02 -n fast && dvd exp push -q origin fast && git reset -q --hard && dvd checkout -q -f && dvd push -q');
  writeFiles(project, { 'new/labels.csv': 'l\n', 'new/extra.csv': 'e\n', 'new/images/1.png': '1', 'new/images/2.png': '2' });
}, 240_000);

afterAll(async () => {
  await s3?.stop();
  if (top) fs.rmSync(top, { recursive: true, force: true });
});

const helpCache = new Map<string, string>();
let pathsCache: string[] | null = null;

/** Every visible command path (subcommands too), as commander lists them in --help. */
function commandPaths(): string[] {
  if (pathsCache) return pathsCache;
  const help = (args: string[]) => helpText(args.join(' '));
  const names = (text: string) =>
    [...text.slice(text.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)(?:\|[a-z-]+)?[ [<]/gm)].map((m) => m[1]).filter((n) => n !== 'help');
  const out: string[] = [];
  for (const c of names(help([]))) {
    out.push(c);
    const sub = help([c]);
    if (sub.includes('Commands:')) for (const s of names(sub)) out.push(`${c} ${s}`);
  }
  pathsCache = out;
  return out;
}

function helpText(cmdPath: string): string {
  if (!helpCache.has(cmdPath)) helpCache.set(cmdPath, dvdOk(PROJECT, [...cmdPath.split(' ').filter(Boolean), '--help']).stdout);
  return helpCache.get(cmdPath)!;
}

/** The `$ ...` lines after "Examples:" in a command's --help. */
function helpExamples(cmdPath: string): string[] {
  const text = helpText(cmdPath);
  const at = text.lastIndexOf('\nExamples:\n');
  if (at < 0) return [];
  return text.slice(at).split('\n').filter((l) => l.startsWith('  $ ')).map((l) => l.slice(4));
}

describe('--help examples', { timeout: 600_000 }, () => {
  it('every command has two or three examples at the end of its --help', () => {
    const paths = commandPaths();
    expect(paths).toContain('remote rename');
    for (const p of paths) {
      const ex = helpExamples(p);
      expect(ex.length, `dvd ${p} --help has no examples`).toBeGreaterThanOrEqual(2);
      expect(ex.length).toBeLessThanOrEqual(3);
      expect(ex).toEqual(EXAMPLES[p]);
    }
  });

  it('every example runs as written', () => {
    const failures: string[] = [];
    let n = 0;
    for (const p of commandPaths()) {
      for (const ex of helpExamples(p)) {
        const copy = path.join(top, `run-${n++}`);
        fs.cpSync(path.join(top, 'world'), copy, { recursive: true });
        const xdg = path.join(copy, 'xdg');
        userConfig(xdg);
        const r = run(path.join(copy, 'project'), ex, { XDG_CONFIG_HOME: xdg });
        if (r.status !== 0) failures.push(`dvd ${p}: \`${ex}\` exited ${r.status}\n${r.stdout}${r.stderr}`);
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }
    expect(n).toBeGreaterThan(60);
    expect(failures.join('\n\n')).toBe('');
  });
});

/** The ```sh blocks of a markdown file. */
function shellBlocks(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('README examples', { timeout: 300_000 }, () => {
  it('every sh block of the README runs as written (the npm block builds dvd itself and is left out)', () => {
    const blocks = shellBlocks(path.join(PROJECT, 'README.md')).filter((b) => !/^npm /m.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const b of blocks) {
      const dir = tempDir('dvd-readme-');
      try {
        const r = run(dir, b);
        expect(r.status, `${b}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`).toBe(0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('the README command table lists every command', () => {
    const readme = fs.readFileSync(path.join(PROJECT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Decisions'));
    for (const p of commandPaths()) {
      const [first, second] = p.split(' ');
      expect(table, `README ## Commands lacks dvd ${p}`).toMatch(new RegExp(`dvd ${first}\\b${second ? `[^\\n]*\\b${second}\\b` : ''}`));
    }
  });
});

