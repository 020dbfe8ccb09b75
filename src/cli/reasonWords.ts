import type { UserPaths } from '../core/userPaths.js';
import type { FileChanges, Reason } from '../pipeline/reasons.js';
import type { ParamValue } from '../pipeline/stage.js';

const value = (v: ParamValue | undefined) => (typeof v === 'string' && /^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v));
const files = (c?: FileChanges) => {
  if (!c) return '';
  const n = c.added + c.modified + c.deleted;
  return ` (${n} file${n === 1 ? '' : 's'})`;
};

/**
 * One reason in words a user can act on: `params.yaml train.lr 0.01 -> 0.02`, `dep
 * data/prepared modified (3 files)`. Paths are shown through `paths` (relative to where
 * dvd runs); without it, repo-relative.
 */
export function reasonWords(r: Reason, paths?: UserPaths): string {
  const show = (p: string) => (paths ? paths.show(p) : p);
  switch (r.kind) {
    case 'never-ran':
      return `never ran (no entry in ${show('dvd.lock')})`;
    case 'always-changed':
      return 'always_changed is set';
    case 'forced':
      return 'forced (-f)';
    case 'cmd':
      return `cmd changed: ${JSON.stringify(r.old.join(' && '))} -> ${JSON.stringify(r.new.join(' && '))}`;
    case 'dep-added':
      return `new dep ${show(r.path)}`;
    case 'dep-removed':
      return `dep ${show(r.path)} removed from ${show('dvd.yaml')}`;
    case 'dep-modified':
      return `dep ${show(r.path)} modified${files(r.changes)}`;
    case 'dep-missing':
      return `dep ${show(r.path)} missing (${r.producer ? `stage ${r.producer} makes it` : r.tracked ? 'tracked data: run `dvd pull`' : 'no stage makes it'})`;
    case 'param':
      if (r.old === undefined && !('old' in r)) return `${show(r.file)} ${r.key} new: ${value(r.new)}`;
      if (!('new' in r)) return `${show(r.file)} ${r.key} removed (was ${value(r.old)})`;
      return `${show(r.file)} ${r.key} ${value(r.old)} -> ${value(r.new)}`;
    case 'out-added':
      return `new output ${show(r.path)}`;
    case 'out-removed':
      return `output ${show(r.path)} removed from ${show('dvd.yaml')}`;
    case 'out-missing':
      return `output ${show(r.path)} missing`;
    case 'out-modified':
      return `output ${show(r.path)} modified${files(r.changes)}`;
    case 'upstream':
      return `upstream stage ${r.stage} runs first`;
  }
}

/** All reasons of a stage on one line, `; `-separated (paths shown through `paths`, see reasonWords). */
export function reasonsLine(reasons: Reason[], paths?: UserPaths): string {
  const ups = reasons.filter((r) => r.kind === 'upstream').map((r) => (r as { stage: string }).stage);
  const words = reasons.filter((r) => r.kind !== 'upstream').map((r) => reasonWords(r, paths));
  if (ups.length) words.push(`upstream ${ups.length === 1 ? 'stage' : 'stages'} ${ups.join(', ')} ${ups.length === 1 ? 'runs' : 'run'} first`);
  return words.join('; ');
}
