// A model registry of `artifacts x (versions + stage events)` annotated tags for the
// registry workload, written by ONE `git fast-import` (creating 2,000 tags with
// `git tag -a` would spawn 2,000 processes). Artifact a000..a099 gets one commit per
// version (its pointer file changes), a register tag `aNNN@v1.J.0` whose message carries
// a lineage document like `dvd artifact register` writes, and stage tags
// `aNNN#staging#N` / `aNNN#prod#N` on those commits. Tags are one minute apart.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const hex = (s) => createHash('sha256').update(s).digest('hex');
const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;

/** Build the registry in `repo` (an initialized dvd repository on branch main). Returns the tag count. */
export function makeRegistry(repo, { artifacts = 100, versions = 10, stageEvents = 10, env = process.env } = {}) {
  const parts = [];
  let mark = 0;
  let t = 1_700_000_000;
  const who = (time) => `bench <bench@example.com> ${time} +0000`;
  const commitMark = new Map();
  let tags = 0;
  for (let a = 0; a < artifacts; a++) {
    const name = `a${String(a).padStart(3, '0')}`;
    for (let v = 0; v < versions; v++) {
      const oid = hex(`${name}:${v}`);
      const pointer = `path: ${name}.bin\ntype: file\noid: sha256:${oid}\nsize: ${1000 + v}\n`;
      mark++;
      t += 60;
      parts.push(`commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data(`${name} v${v}`)}${mark > 1 ? `from :${mark - 1}\n` : ''}M 100644 inline models/${name}.bin.dvd\n${data(pointer)}`);
      commitMark.set(`${name}:${v}`, mark);
      const commit = hex(`commit ${mark}`).slice(0, 40); // stands in for the commit id in the lineage text
      const lineage = [
        'lineage: 1', `artifact: ${name}`, `path: models/${name}.bin`, `commit: ${commit}`, `oid: sha256:${oid}`, `size: ${1000 + v}`, 'stage: train', 'lock:',
        '  cmd: python train.py', '  deps:', `  - {path: data/prepared, oid: sha256:${hex(`d${v}`)}, size: 123456, files: 100}`, `  - {path: train.py, oid: sha256:${hex('train.py')}, size: 2048}`,
        '  params:', `    params.yaml: {train.epochs: 10, train.lr: 0.0${v + 1}}`, '  outs:', `  - {path: models/${name}.bin, oid: sha256:${oid}, size: ${1000 + v}}`,
        'metrics:', `  metrics.json: {acc: 0.${80 + v}, loss: 0.${20 - v}}`, '',
      ].join('\n');
      t += 60;
      parts.push(`tag ${name}@v1.${v}.0\nfrom :${mark}\ntagger ${who(t)}\n${data(`Registering artifact ${name} version v1.${v}.0\n\n---\n${lineage}`)}`);
      tags++;
    }
    for (let e = 0; e < stageEvents; e++) {
      const stage = e % 2 ? 'prod' : 'staging';
      t += 60;
      parts.push(`tag ${name}#${stage}#${e + 1}\nfrom :${commitMark.get(`${name}:${Math.min(e, versions - 1)}`)}\ntagger ${who(t)}\n${data(`Assigning stage ${stage} to artifact ${name}`)}`);
      tags++;
    }
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: parts.join(''), env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git fast-import: ${r.stderr}`);
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: repo, env });
  return tags;
}
