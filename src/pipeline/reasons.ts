import type { ParamValue } from './stage.js';

/** How a folder changed: counts of files, when both manifests are known. */
export interface FileChanges {
  added: number;
  modified: number;
  deleted: number;
}

/**
 * Why a stage runs, as data (Bazel's --explain habit): the CLI turns each into words,
 * `--json` prints them as they are. Paths are repo-relative.
 */
export type Reason =
  | { kind: 'never-ran' }
  | { kind: 'always-changed' }
  | { kind: 'forced' }
  | { kind: 'cmd'; old: string[]; new: string[] }
  | { kind: 'dep-added'; path: string }
  | { kind: 'dep-removed'; path: string }
  | { kind: 'dep-modified'; path: string; changes?: FileChanges }
  /** `producer`: the stage that makes it; `tracked`: a `.dvd` pointer names it (dvd pull restores it). */
  | { kind: 'dep-missing'; path: string; producer?: string; tracked?: boolean }
  /** `old` absent: the key is newly tracked; `new` absent: no longer tracked or gone from the file. */
  | { kind: 'param'; file: string; key: string; old?: ParamValue; new?: ParamValue }
  | { kind: 'out-added'; path: string }
  | { kind: 'out-removed'; path: string }
  | { kind: 'out-missing'; path: string }
  | { kind: 'out-modified'; path: string; changes?: FileChanges }
  /** An upstream stage will run first; this one is decided again afterwards. */
  | { kind: 'upstream'; stage: string };

/** What `dvd repro` does (or would do) with a stage. */
export type StageAction = 'run' | 'restore' | 'unchanged' | 'frozen' | 'recheck' | 'failed' | 'skipped';
