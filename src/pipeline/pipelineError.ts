import { DvdError } from '../core/errors.js';

/**
 * A 1-based line, or a function that finds it: finding a line needs the YAML parsed with
 * positions, which only an error message is worth (see yamlSource.ts).
 */
export type Line = number | undefined | (() => number | undefined);

/**
 * The error for a bad `dvd.yaml`, params file or `dvd.lock`: the message starts with the
 * file (and line when known), then the stage and the field, so the user can go straight
 * to the place: `dvd.yaml:7: stage train: unknown key "dep" (did you mean deps?)`.
 * Code EPIPELINE; `data` carries {file, line, stage, field} for callers and tests.
 */
export function pipelineError(
  where: { file: string; line?: Line; stage?: string; field?: string },
  message: string,
  hint?: string,
): DvdError {
  const line = typeof where.line === 'function' ? where.line() : where.line;
  const place = `${where.file}${line ? `:${line}` : ''}`;
  const stage = where.stage ? ` stage ${where.stage}:` : '';
  const field = where.field ? ` ${where.field}:` : '';
  return new DvdError('EPIPELINE', `${place}:${stage}${field} ${message}`, {
    hint,
    data: { file: where.file, line, stage: where.stage, field: where.field },
  });
}

/**
 * `err` (from pipelineError) with its file shown as `label`, e.g. `../dvd.lock` when dvd
 * runs in a subfolder (printed paths are relative to where dvd runs). Files are parsed
 * under their repo-relative names, which key the parse cache; only what is shown changes.
 * Other errors, and files named at a revision (`v1:dvd.lock`), are returned as they are.
 */
export function relabelPipelineError(err: DvdError, label: string): DvdError {
  const file = err.data?.file;
  if (err.code !== 'EPIPELINE' || typeof file !== 'string' || file === label || file.includes(':') || !err.message.startsWith(`${file}:`)) return err;
  return new DvdError(err.code, `${label}${err.message.slice(file.length)}`, { hint: err.hint, exitCode: err.exitCode, data: { ...err.data, file: label }, cause: err });
}
