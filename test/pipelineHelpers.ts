import fs from 'node:fs';
import path from 'node:path';
import { dvdOk, tempRepo, writeFiles } from './helpers.js';

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
