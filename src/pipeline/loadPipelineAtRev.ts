import type { GitRepo } from '../git/gitHandle.js';
import { readFileAtRev } from '../git/readFileAtRev.js';
import { pipelineFromText } from './loadPipeline.js';
import { DVD_YAML } from './parseDvdYaml.js';
import { parseParamsText } from './readParamsFile.js';
import type { ParamValue, Pipeline } from './stage.js';

/** Thrown inside the synchronous expansion when it asks for a params file not read yet. */
class NeedFile {
  constructor(readonly rel: string) {}
}

/**
 * dvd.yaml of commit `commit`, expanded and resolved with the params files of that
 * commit (read from Git objects; the workspace is not touched), or null when the commit
 * has no dvd.yaml. Expansion is synchronous and learns which params files it needs as it
 * goes, so each missing file stops it, is read from Git, and expansion starts again: a
 * pipeline with K params files is parsed K+1 times (small files, a few ms). `label`
 * names the revision in params errors (`v1.0:params.yaml: not valid YAML`). `filesRead`,
 * when given, receives the params files expansion read (history views key what they
 * learn from a commit on those files' blob oids).
 */
export async function loadPipelineAtRev(repo: GitRepo, commit: string, label: string, filesRead?: Set<string>): Promise<Pipeline | null> {
  const text = await readFileAtRev(repo, commit, DVD_YAML);
  if (text === null) return null;
  const files = new Map<string, Record<string, ParamValue> | null>();
  for (;;) {
    try {
      return pipelineFromText(text.toString('utf8'), (rel) => {
        if (!files.has(rel)) throw new NeedFile(rel);
        return files.get(rel)!;
      });
    } catch (err) {
      if (!(err instanceof NeedFile)) throw err;
      filesRead?.add(err.rel);
      const bytes = await readFileAtRev(repo, commit, err.rel);
      files.set(err.rel, bytes === null ? null : parseParamsText(bytes.toString('utf8'), `${label}:${err.rel}`));
    }
  }
}
