import fs from 'node:fs';
import path from 'node:path';
import { commitAll, dvdOk, tempDir, tempRepo, writeFiles } from './helpers.js';

/** A dvd repo with dvd.yaml and files written (no Git commit). */
export function pipelineRepo(yaml: string, files: Record<string, string> = {}): string {
  const repo = tempRepo();
  writeFiles(repo, { 'dvd.yaml': yaml, ...files });
  return repo;
}

/** Lines of log.txt: stages append their name to it when their command runs. */
export function ranLog(repo: string): string[] {
  const f = path.join(repo, 'log.txt');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** Run `dvd repro ARGS` and return which stages ran commands (from log.txt, then cleared). */
export function reproRan(repo: string, args: string[] = []): string[] {
  fs.rmSync(path.join(repo, 'log.txt'), { force: true });
  dvdOk(repo, ['repro', ...args]);
  const ran = ranLog(repo);
  fs.rmSync(path.join(repo, 'log.txt'), { force: true });
  return ran;
}

export const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

/**
 * A pipeline over dvd-tracked data: `yaml` as dvd.yaml, data/a.txt and data/b.txt added
 * with dvd, params.yaml with `lr: 0.1`, log.txt (see ranLog) git-ignored, and with
 * `remoteUrl` a default remote.
 */
export function dataPipeline(yaml: string, remoteUrl?: string): string {
  const repo = pipelineRepo(yaml, { 'data/a.txt': 'a\n', 'data/b.txt': 'b\n', 'params.yaml': 'lr: 0.1\n' });
  dvdOk(repo, ['add', 'data']);
  if (remoteUrl) dvdOk(repo, ['remote', 'add', '-d', 'store', remoteUrl]);
  fs.appendFileSync(path.join(repo, '.gitignore'), '/log.txt\n');
  return repo;
}

/** Set params.yaml's lr. */
export const setLr = (repo: string, lr: string) => fs.writeFileSync(path.join(repo, 'params.yaml'), `lr: ${lr}\n`);

/** dataPipeline with a folder remote, reproduced, committed as v1 and pushed (run cache too). */
export function pushedPipeline(yaml: string): { repo: string; store: string } {
  const store = tempDir('dvd-store-');
  const repo = dataPipeline(yaml, store);
  reproRan(repo);
  commitAll(repo, 'v1');
  dvdOk(repo, ['push']);
  return { repo, store };
}
