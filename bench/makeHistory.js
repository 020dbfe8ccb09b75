// Builds a Git history for the history benchmarks with `git fast-import` (seconds, not
// minutes): COMMITS commits over POINTERS pointer files spread over 10 folders, each
// commit changing one pointer (a new file oid) and one code file. With --objects, the
// cache holds every committed object (content `p<P>-<C>`) plus as many unreferenced
// ones, so `dvd gc` and `dvd push --all-commits` have real work. Usage:
//   node bench/makeHistory.js DIR [COMMITS=1000] [POINTERS=50] [--objects]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const withObjects = args.includes('--objects');
const [dir, commits = '1000', pointers = '50'] = args.filter((a) => a !== '--objects');
if (!dir) {
  console.error('usage: node bench/makeHistory.js DIR [COMMITS] [POINTERS]');
  process.exit(2);
}
const nCommits = Number(commits);
const nPointers = Number(pointers);
fs.mkdirSync(dir, { recursive: true });
execFileSync('git', ['init', '-q', '-b', 'main', dir]);
const sha = (s) => createHash('sha256').update(s).digest('hex');
const ptr = (name, content) => `path: ${name}\ntype: file\noid: sha256:${sha(content)}\nsize: ${content.length}\n`;
const putObject = (content) => {
  const oid = sha(content);
  const file = path.join(dir, '.dvd', 'cache', 'sha256', oid.slice(0, 2), oid.slice(2));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o444 });
};
const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
let stream = '';
for (let c = 0; c < nCommits; c++) {
  stream += `commit refs/heads/main\ncommitter Bench <b@example.com> ${1700000000 + c} +0000\n${data(`commit ${c}`)}`;
  if (c === 0) {
    for (let p = 0; p < nPointers; p++) stream += `M 100644 inline folder${p % 10}/sub/f${p}.bin.dvd\n${data(ptr(`f${p}.bin`, `p${p}-0`))}`;
    stream += `M 100644 inline .dvd/config\n${data('[core]\n')}`;
  } else {
    const p = c % nPointers;
    stream += `M 100644 inline folder${p % 10}/sub/f${p}.bin.dvd\n${data(ptr(`f${p}.bin`, `p${p}-${c}`))}`;
  }
  stream += `M 100644 inline src/code${c % 20}.txt\n${data(`code ${c}`)}`;
  if (c % 100 === 0) stream += `\nreset refs/tags/t${c}\nfrom refs/heads/main\n`;
  stream += '\n';
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
if (withObjects) {
  fs.writeFileSync(path.join(dir, '.dvd', '.gitignore'), '/cache/\n/tmp/\n/state*\n/config.local\n');
  for (let c = 0; c < nCommits; c++) {
    if (c === 0) for (let p = 0; p < nPointers; p++) putObject(`p${p}-0`);
    else putObject(`p${c % nPointers}-${c}`);
    putObject(`garbage-${c}`);
  }
}
console.log(`${dir}: ${nCommits} commits, ${nPointers} pointers${withObjects ? ', cache filled (+ garbage)' : ''}`);
