// bench/results.json (every measurement) and bench/results.md (the targets of issue 5,
// each as a ratio to its reference measured in the same run, then every raw number).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

// [label, workloads, dvd op, reference (op of a ref or dvd measurement), max ratio].
const RATIO_TARGETS = [
  ['add, default cache type vs `cp -r`', ['many'], 'add', 'copy', 1.3],
  ['add, default cache type vs `cp -r`', ['large'], 'add', 'copy', 1.2],
  ['add, hardlink cache type vs SHA-256 of all files', ['many'], 'add-hardlink', 'sha256', 1.5],
  ['status, nothing changed vs `git status`', ['many', 'count', 'scale-1m'], 'status', 'git-status', 2],
  ['commit after 1% changed vs dvd status (nothing changed)', ['many'], 'commit-1pct', 'status', 3],
  ['checkout, switch 1% vs `git checkout`', ['many', 'count', 'scale-1m'], 'checkout-switch', 'git-checkout', 2],
  ['checkout into empty workspace (copy) vs `cp -r`', ['many'], 'checkout-empty', 'copy', 1.3],
  ['checkout into empty workspace (hardlink) vs `cp -al`', ['many'], 'checkout-empty-hardlink', 'hardlink-copy', 1.5],
  ['push to s3rver vs rclone', ['many'], 'push-s3', 'rclone-up', 0.6],
  ['pull from s3rver vs rclone (issue 15)', ['many'], 'pull-s3', 'rclone-down', 0.9],
  ['push to s3rver vs rclone', ['large'], 'push-s3', 'rclone-up', 1.0],
  ['pull from s3rver vs rclone (issue 15)', ['large'], 'pull-s3', 'rclone-down', 1.1],
  ['repro, nothing changed vs dvd status (issue 12)', ['pipeline'], 'repro-noop', 'status', 1.5],
];
// Informational rows (no target in the issue).
const INFO = [
  ['status after 1% changed vs dvd status (nothing changed)', 'status-1pct', 'status'],
  ['push to a folder remote vs `cp -r`', 'push-folder', 'copy'],
  ['pull from a folder remote vs `cp -r`', 'pull-folder', 'copy'],
  ['add, default cache type vs SHA-256 of all files', 'add', 'sha256'],
  ['diff v1 v2', 'diff', null],
  ['gc -w (nothing to delete)', 'gc', null],
];
const MEMORY_TARGETS = { large: 200, count: 500 };
// [label, dvd op, reference op or null, max seconds]: absolute targets (issues 12 and 14), the
// reference for scale.
const TIME_TARGETS = {
  pipeline: [
    ['repro --dry over 200 stages (issue 12)', 'repro-dry-200', null, 1],
    ['repro --dry over 200 stages, 10 would run (issue 12)', 'repro-dry-200-changed', null, 1],
  ],
  registry: [
    ['artifact show, 2,000 registry tags', 'artifact-show', 'git-tag-list', 1],
    ['artifact history, 2,000 registry tags', 'artifact-history', 'git-tag-list', 1],
  ],
  experiments: [
    ['metrics show -A over 500 commits (200 experiments present, not in -A), warm (issue 13)', 'metrics-show-all', 'git-rev-list', 1],
    ['exp show, 200 experiments, warm (issue 13)', 'exp-show', 'git-rev-list', 1],
  ],
};
const EXPERIMENTS_INFO = [
  ['metrics show -A, history cache removed (cold)', 'metrics-show-all-cold'],
  ['exp show, history cache removed (cold)', 'exp-show-cold'],
  ['exp show --json, warm', 'exp-show-json'],
];
const REGISTRY_INFO = [
  ['artifact show NAME', 'artifact-show-one'],
  ['artifact show NAME@vX.Y.Z (lineage)', 'artifact-show-version'],
  ['artifact history NAME', 'artifact-history-one'],
  ['artifact show without the git binary', 'artifact-show-isogit'],
];

const fmt = (s) => (s === undefined || s === null ? '-' : s < 0.1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(s < 10 ? 3 : 1)} s`);
const span = (r) => (r && r.median !== undefined ? `${fmt(r.median)} (${fmt(r.min)}-${fmt(r.max)}, n=${r.runs.length})` : r?.error ? `failed: ${r.error.slice(0, 80)}` : '-');

export function writeReport({ outDir, results, skipped, workloads, flags, startedAt, finished, dvdCommands, finishedAt, commit: givenCommit, machine: givenMachine, parts }) {
  const find = (wl, op) => results.find((r) => r.workload === wl && r.op === op);
  const base = (wl) => wl.replace(/-quick$/, '');
  const rows = [];
  for (const wl of workloads) {
    for (const [label, wls, op, refOp, max] of RATIO_TARGETS) {
      if (!wls.includes(base(wl))) continue;
      const d = find(wl, op);
      const r = find(wl, refOp);
      if (!d && !r) continue;
      const ratio = ratioOf(d, r);
      rows.push({ label, workload: wl, dvd: d, ref: r, ratio, target: `<= ${max}x`, met: ratio === null ? null : ratio <= max, note: crossPart(d, r) });
    }
    if (base(wl) === 'count') {
      const d = find(wl, 'push-noop');
      if (d) {
        const met = d.median !== undefined ? d.median < 2 && d.requests !== null && d.requests < 300 : null;
        rows.push({ label: 'no-op push to s3rver', workload: wl, dvd: d, ref: null, ratio: null, target: '< 2 s and < 300 requests', met, note: d.requests !== null ? `${d.requests} requests` : '' });
      }
    }
    for (const [label, op, refOp, max] of TIME_TARGETS[base(wl)] ?? []) {
      const d = find(wl, op);
      if (!d) continue;
      const r = refOp ? find(wl, refOp) : null;
      rows.push({ label, workload: wl, dvd: d, ref: r, ratio: ratioOf(d, r), target: `< ${max} s`, met: d.median !== undefined ? d.median < max : null, note: crossPart(d, r) });
    }
    const memMax = MEMORY_TARGETS[base(wl)];
    if (memMax) {
      const dvdRecs = results.filter((r) => r.workload === wl && r.tool === 'dvd' && r.rssMB);
      if (dvdRecs.length) {
        const worst = dvdRecs.reduce((a, b) => (b.rssMB > a.rssMB ? b : a));
        rows.push({ label: 'peak RSS of dvd (worst operation)', workload: wl, dvd: null, ref: null, ratio: null, target: `<= ${memMax} MB`, met: worst.rssMB <= memMax, note: `${worst.rssMB.toFixed(0)} MB (${worst.op})` });
      }
    }
  }
  // Scaling: time per file of status, 10k -> 1M.
  const scale = ['scale-10k', 'scale-100k', 'scale-1m'].map((wl) => ({ wl, r: find(wl, 'status') })).filter((x) => x.r?.median !== undefined);
  if (scale.length >= 2) {
    const per = scale.map(({ wl, r }) => ({ wl, us: (r.median / filesOf(wl)) * 1e6 }));
    const growth = per[per.length - 1].us / per[0].us;
    rows.push({ label: 'status, nothing changed: time per file', workload: per.map((p) => p.wl).join(' -> '), dvd: null, ref: null, ratio: growth, target: 'grows < 1.2x', met: growth < 1.2, note: per.map((p) => `${p.wl}: ${p.us.toFixed(2)} us/file`).join(', ') });
  }
  const startup = find('(none)', 'dvd-startup');
  if (startup) {
    const node = find('(none)', 'node-startup');
    const ratio = startup.median !== undefined && node?.median !== undefined ? startup.median / node.median : null;
    rows.push({ label: 'start-up: dvd --version vs node -e 0', workload: '(none)', dvd: startup, ref: node, ratio, target: '<= 1.3x (issue 15)', met: ratio === null ? null : ratio <= 1.3 });
  }
  for (const wl of workloads) {
    const info = base(wl) === 'registry' ? REGISTRY_INFO.map(([l, o]) => [l, o, 'git-tag-list']) : base(wl) === 'experiments' ? EXPERIMENTS_INFO.map(([l, o]) => [l, o, 'git-rev-list']) : INFO;
    for (const [label, op, refOp] of info) {
      const d = find(wl, op);
      if (!d) continue;
      const r = refOp ? find(wl, refOp) : null;
      rows.push({ label, workload: wl, dvd: d, ref: r, ratio: ratioOf(d, r), target: '(info)', met: null, note: crossPart(d, r) });
    }
  }

  const machine = givenMachine ?? {
    host: os.hostname(), cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`, memGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version, kernel: os.release(), fs: fsType(outDir),
  };
  let commit = givenCommit ?? '';
  if (!givenCommit) try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(new URL(import.meta.url).pathname), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  const json = { startedAt: startedAt.toISOString(), finishedAt: finishedAt ?? (finished ? new Date().toISOString() : null), complete: finished, commit, machine, flags, workloads, dvdCommands, skipped, targets: rows.map((r) => ({ ...r, dvd: r.dvd ? pick(r.dvd) : null, ref: r.ref ? pick(r.ref) : null })), results, ...(parts ? { parts } : {}) };
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(json, null, 2) + '\n');

  const md = [];
  md.push('# dvd benchmark results', '');
  if (parts) md.push(`Joined from ${parts.length} invocations of \`npm run bench\` (listed below; \`--merge\`), ${startedAt.toISOString().slice(0, 10)}.`);
  else md.push(`${finished ? 'Complete run' : '**Partial run (still running or interrupted)**'} of \`npm run bench${flags.quick ? ' -- --quick' : ''}\`, started ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC at commit ${commit || '?'}.`);
  md.push(`Machine: ${machine.cpus}, ${machine.memGiB} GiB RAM, ${machine.fs}, Node ${machine.node}, Linux ${machine.kernel}; shared and noisy.`);
  if (parts) {
    md.push('This table joins several invocations:');
    for (const p of parts) {
      const ops = [...new Set(results.filter((r) => r.part === p.index).map((r) => r.workload.replace(/ \(earlier.*$/, '')))].filter((w) => w !== '(none)');
      md.push(`- part ${p.index + 1}: ${ops.join(', ') || p.workloads.join(', ')}; started ${p.startedAt.slice(11, 16)} UTC, commit ${p.commit}, ${p.flags.runs} timed runs after ${p.flags.warmup} warm-up, heavy measurements ${p.flags.heavyRuns} run(s)${p.complete ? '' : '; stopped early (see notes)'}`);
    }
    md.push('');
  } else md.push(`Each number is the median of ${flags.runs} timed runs after ${flags.warmup} warm-up (measurements on more than 1 GiB or 50,000 files, and S3 transfers: ${flags.heavyRuns} runs, no warm-up), min-max in brackets; page cache ${flags.cold ? 'dropped before every timed run' : 'warm (data just written, fits in RAM)'}. See docs/bench.md for what each number means.`, '');
  md.push('## Targets (issue 5; pipelines: issue 12; registry: issue 14; experiments: issue 13)', '');
  md.push('| operation | workload | dvd | reference | ratio | target | met? |', '|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const refCell = r.ref ? `${r.ref.label}: ${span(r.ref)}` : r.note ?? '';
    const dvdCell = r.dvd ? span(r.dvd) + (r.note && r.ref ? ` ${r.note}` : '') : r.ref ? '-' : '';
    md.push(`| ${r.label} | ${r.workload} | ${dvdCell} | ${refCell} | ${r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`} | ${r.target} | ${r.met === null ? (r.target === '(info)' ? '' : 'n/a') : r.met ? 'yes' : '**no**'} |`);
  }
  const peerTable = peersTable(results, workloads);
  if (peerTable.length) md.push('', '## dvd beside git-lfs and git-annex (issue 15)', '', ...peerTable);
  md.push('', '## Every measurement', '');
  md.push('| workload | operation | tool | median | min | max | runs | peak RSS | S3 requests | load |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    md.push(`| ${r.workload} | ${r.op} | ${r.tool === 'ref' ? r.label : r.label} | ${r.error ? `failed: ${r.error.slice(0, 100)}` : fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.runs.length}${r.warmup ? `+${r.warmup}` : ''} | ${r.rssMB ? `${r.rssMB.toFixed(0)} MB` : '-'} | ${r.requests ?? '-'} | ${r.load1 ?? '-'} |`);
  }
  // Hand-written analysis of the committed run (what bounds each miss), kept beside it.
  const notes = path.join(outDir, 'notes.md');
  if (fs.existsSync(notes)) md.push('', fs.readFileSync(notes, 'utf8').trim());
  if (skipped.length) {
    md.push('', '## Skipped', '');
    for (const s of skipped) md.push(`- ${s.workload} ${s.op}: ${s.reason}`);
  }
  fs.writeFileSync(path.join(outDir, 'results.md'), md.join('\n') + '\n');
}

// bench/lib/peers.js: one row per job, a column per tool, and dvd against the best peer
// measured in the same invocation.
const PEER_ROWS = [
  ['peer-track', 'track + commit'],
  ['peer-status', 'status, nothing changed'],
  ['peer-switch', 'switch v2 <-> v1 (1% differ)'],
  ['peer-push', 'push everything'],
  ['peer-clone', 'clone + fetch the data'],
];

function peersTable(results, workloads) {
  const out = [];
  for (const wl of workloads) {
    const rows = [];
    for (const [op, label] of PEER_ROWS) {
      const cell = (tool) => results.find((r) => r.workload === wl && r.op === op && r.tool === tool);
      const d = cell('dvd');
      const peers = ['git-lfs', 'git-annex'].map(cell);
      if (!d && peers.every((x) => !x)) continue;
      const best = peers.filter((x) => x?.median !== undefined && x.part === d?.part).sort((a, b) => a.median - b.median)[0];
      const ratio = d?.median !== undefined && best ? d.median / best.median : null;
      rows.push(`| ${label} | ${peers.map((x) => (x ? span(x) : '-')).join(' | ')} | ${d ? span(d) : '-'} | ${ratio === null ? '-' : `${ratio.toFixed(2)}x ${best.tool}`} |`);
    }
    if (!rows.length) continue;
    out.push(`**${wl}** (remotes on another file system; wall time)`, '', '| job | git-lfs | git-annex | dvd | dvd / best peer |', '|---|---|---|---|---|', ...rows, '');
  }
  return out;
}

// A ratio only between measurements of the same invocation (same load, same code).
function ratioOf(d, r) {
  if (d?.median === undefined || r?.median === undefined) return null;
  if (d.part !== r.part) return null;
  return d.median / r.median;
}

function crossPart(d, r) {
  return d && r && d.part !== r.part ? '(no ratio: measured in different parts)' : undefined;
}

function pick(r) {
  return { op: r.op, label: r.label, median: r.median, min: r.min, max: r.max, n: r.runs.length, rssMB: r.rssMB, requests: r.requests };
}

function filesOf(wl) {
  return { 'scale-10k': 10_000, 'scale-100k': 100_000, 'scale-1m': 1_000_000 }[wl];
}

function fsType(dir) {
  try {
    return execFileSync('findmnt', ['-no', 'FSTYPE', '-T', dir], { encoding: 'utf8' }).trim() + ' file system';
  } catch {
    return 'unknown file system';
  }
}
