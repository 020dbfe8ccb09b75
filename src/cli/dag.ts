import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import type { DagResult } from '../api/dag.js';
import { makeContext, printJson } from './context.js';

const dotId = (s: string) => JSON.stringify(s);
// Mermaid node ids must be plain; labels carry the real names.
const mermaidId = (i: number) => `s${i}`;

/** The graph as text: one line per stage in run order, with the stages it waits for. */
export function formatDag(d: DagResult, format: 'text' | 'dot' | 'mermaid'): string {
  if (format === 'dot') {
    const lines = ['digraph dvd {', '  rankdir=TB;'];
    for (const s of d.stages) lines.push(`  ${dotId(s.name)};`);
    for (const e of d.edges) lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)};`);
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
  if (format === 'mermaid') {
    const id = new Map(d.stages.map((s, i) => [s.name, mermaidId(i)]));
    const lines = ['flowchart TD'];
    for (const s of d.stages) lines.push(`  ${id.get(s.name)}["${s.name.replace(/"/g, '#quot;')}"]`);
    for (const e of d.edges) lines.push(`  ${id.get(e.from)} --> ${id.get(e.to)}`);
    return `${lines.join('\n')}\n`;
  }
  if (d.stages.length === 0) return 'No stages in dvd.yaml.\n';
  const ups = new Map<string, string[]>();
  for (const e of d.edges) ups.set(e.to, [...(ups.get(e.to) ?? []), e.from]);
  return d.stages.map((s) => `${s.name}${ups.has(s.name) ? ` <- ${ups.get(s.name)!.join(', ')}` : ''}${s.frozen ? ' (frozen)' : ''}\n`).join('');
}

export function registerDag(program: Command): void {
  program
    .command('dag')
    .description('print the stage graph of dvd.yaml (each stage after the stages it depends on)')
    .argument('[targets...]', 'stages to show, with what they depend on (default: all)')
    .option('--dot', 'Graphviz dot')
    .option('--mermaid', 'Mermaid flowchart')
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], opts: { dot?: boolean; mermaid?: boolean; json?: boolean }, cmd: Command) => {
      if ([opts.dot, opts.mermaid, opts.json].filter(Boolean).length > 1) throw usageError('choose one of --dot, --mermaid, --json');
      const d = (await import('../api/dag.js')).dag(makeContext(cmd), { targets });
      if (opts.json) printJson(d);
      else process.stdout.write(formatDag(d, opts.dot ? 'dot' : opts.mermaid ? 'mermaid' : 'text'));
    });
}
