// The shapes of a pipeline after `dvd.yaml` is parsed, expanded (foreach/matrix) and
// resolved (`${...}`, params values). Every other pipeline module works on these.
import type { Line } from './pipelineError.js';

/** A params value as read from a YAML/JSON/TOML file: a scalar, or a list/map kept whole. */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [k: string]: ParamValue };

/** Plot properties of a `plots:` entry (`{path: {x: step, y: loss}}`), kept as written. */
export interface PlotProps {
  x?: string;
  y?: string | string[];
  template?: string;
  title?: string;
  x_label?: string;
  y_label?: string;
}

export interface StageOut {
  /** Repo-relative POSIX path (dvd.yaml sits at the repository root). */
  path: string;
  /** false: the file is committed to Git, not stored in the cache or ignored. */
  cache: boolean;
  /** true: not deleted before the command runs (and the stage is never run-cached). */
  persist: boolean;
  kind: 'out' | 'metric' | 'plot';
  plot?: PlotProps;
}

export interface StageParams {
  /** Repo-relative params file (default `params.yaml` in the stage's wdir... resolved). */
  file: string;
  /** Dotted keys as listed, or null for every key of the file. */
  keys: string[] | null;
  /** The tracked leaf values now, flattened to dotted keys (`train.lr`), sorted. */
  values: Record<string, ParamValue>;
}

/** One runnable stage: a plain stage or one item of a foreach/matrix (`name@key`). */
export interface Stage {
  name: string;
  /** Commands after `${...}` substitution, run in order through the shell. */
  cmd: string[];
  /** Repo-relative working folder, '' for the root. */
  wdir: string;
  /** Repo-relative dependency paths, sorted, unique. */
  deps: string[];
  params: StageParams[];
  /** outs, metrics and plots together, sorted by path. */
  outs: StageOut[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  /** Line of the stage's name in dvd.yaml, for messages (found when asked: pipelineError.ts). */
  line?: Line;
}

/** An `artifacts:` entry of dvd.yaml (for the registry). */
export interface Artifact {
  name: string;
  /** Repo-relative path. */
  path: string;
  type?: string;
  desc?: string;
  labels: string[];
  meta?: unknown;
}

export interface Pipeline {
  /** Expanded stages in dvd.yaml order. */
  stages: Stage[];
  artifacts: Artifact[];
}
