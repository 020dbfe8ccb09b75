// Builds a Git history for the history benchmarks with `git fast-import` (seconds, not
// minutes): COMMITS commits over POINTERS pointer files spread over 10 folders, each
// commit changing one pointer (a new file oid) and one code file. Usage:
//   node bench/makeHistory.js DIR [COMMITS=1000] [POINTERS=50]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [dir, commits = '1000', pointers = '50'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/makeHistory.js DIR [COMMITS] [POINTERS]');
  process.exit(2);
}
const nCommits = Number(commits);
const nPointers = Number(pointers);
fs.mkdirSync(dir, { recursive: true });
execFileSync('git', ['init', '-q', '-b', 'main', dir]);
const sha = (s) => createHash('sha256').update(s).digest('hex');
const ptr = (name, oid) => `path: ${name}\ntype: file\noid: sha256:${oid}\nsize: 100\n`;
const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
let stream = '';
for (let c = 0; c < nCommits; c++) {
  stream += `commit refs/heads/main\ncommitter Bench <b@example.com> ${1700000000 + c} +0000\n${data(`commit ${c}`)}`;
  if (c === 0) {
    for (let p = 0; p < nPointers; p++) stream += `M 100644 inline folder${p % 10}/sub/f${p}.bin.dvd\n${data(ptr(`f${p}.bin`, sha(`p${p}-0`)))}`;
    stream += `M 100644 inline .dvd/config\n${data('[core]\n')}`;
  } else {
    const p = c % nPointers;
    stream += `M 100644 inline folder${p % 10}/sub/f${p}.bin.dvd\n${data(ptr(`f${p}.bin`, sha(`p${p}-${c}`)))}`;
  }
  stream += `M 100644 inline src/code${c % 20}.txt\n${data(`code ${c}`)}`;
  if (c % 100 === 0) stream += `\nreset refs/tags/t${c}\nfrom refs/heads/main\n`;
  stream += '\n';
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
console.log(`${dir}: ${nCommits} commits, ${nPointers} pointers`);
