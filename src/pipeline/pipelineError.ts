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
