import type { Command } from 'commander';
import type { ShowResult } from '../api/artifactShow.js';
import { usageError } from '../core/errors.js';
import { makeContext, parseJobs, printJson, printResult } from './context.js';
import { formatBytes } from './formatBytes.js';
import { plural } from './transferReport.js';

// `dvd artifact ...`: the model registry in Git tags (docs/registry.md). Each subcommand
// parses, calls its api operation and prints; `--json` prints the result object.

const short = (oid: string) => (/^[0-9a-f]{40}$/.test(oid) ? oid.slice(0, 8) : oid);
const day = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** Rows as columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

async function printShow(r: ShowResult): Promise<void> {
  const out = (s: string) => process.stdout.write(s);
  if (r.kind === 'registry') {
    if (r.artifacts.length === 0) return void out('no artifacts registered (dvd artifact register NAME)\n');
    out(table([['artifact', 'latest', ...r.stages], ...r.artifacts.map((a) => [a.name + (a.deprecated ? ' (deprecated)' : ''), a.latest ?? '-', ...r.stages.map((s) => a.stages[s] ?? '-')])]));
  } else if (r.kind === 'artifact') {
    const a = r.artifact;
    out(`${a.name}${a.deprecated ? ' (deprecated)' : ''}: latest ${a.latest ?? '-'}${r.stages.length ? `; ${r.stages.map((s) => `${s}: ${a.stages[s] ?? '-'}`).join(', ')}` : ''}\n`);
    out(table([['version', 'commit', 'registered', 'by', 'stages'], ...r.versions.map((v) => [
      v.registered ? v.version + (v.deregistered ? ' (deregistered)' : '') : `${short(v.version)} (not registered)`, short(v.commit), day(v.time), v.by, v.stages.join(', '),
    ])]));
  } else {
    const v = r.version;
    out(`${r.artifact} ${v.registered ? v.version : short(v.version)}${r.stage ? ` (${r.stage})` : ''}${r.deprecated ? ' (artifact deprecated)' : ''}${v.deregistered ? ' (deregistered)' : ''}\n`);
    if (v.tag) out(`tag:      ${v.tag}\n`);
    out(`commit:   ${v.commit}\n`);
    out(`date:     ${day(v.time)} by ${v.by}\n`);
    if (v.stages.length) out(`stages:   ${v.stages.join(', ')}\n`);
    if (r.message) out(`message:  ${r.message.split('\n').join('\n          ')}\n`);
    if (r.lineage) {
      out(`\nlineage (${r.lineageFrom === 'tag' ? 'recorded in the tag' : 'worked out from the commit: the tag records none'}):\n`);
      const { serializeLineage } = await import('../pipeline/lineage.js');
      out(serializeLineage(r.lineage).replace(/^/gm, '  '));
    }
  }
}

export function registerArtifact(program: Command): void {
  const api = {
    register: () => import('../api/artifactRegister.js'),
    assign: () => import('../api/artifactAssign.js'),
    unassign: () => import('../api/artifactUnassign.js'),
    deprecate: () => import('../api/artifactDeprecate.js'),
    show: () => import('../api/artifactShow.js'),
    history: () => import('../api/artifactHistory.js'),
    get: () => import('../api/artifactGet.js'),
  };
  const artifact = program.command('artifact').description('model registry in Git tags (GTO format): versions, stages, lineage');

  artifact
    .command('register')
    .description('register a version: annotated tag NAME@vX.Y.Z on REV, with its lineage (data oid, stage lock entry, metrics) in the message')
    .argument('<name>', "artifact name (declared in dvd.yaml's artifacts:, or give --path)")
    .option('--version <version>', 'vX.Y.Z or vX.Y.Z-pre (default: the latest with its patch bumped, or v0.0.1)')
    .option('--bump-major', 'the latest version with its major part bumped')
    .option('--bump-minor', 'the latest version with its minor part bumped')
    .option('--bump-patch', 'the latest version with its patch part bumped')
    .option('--rev <rev>', 'commit to register (default: HEAD)')
    .option('-m, --message <msg>', 'tag message (the lineage is appended)')
    .option('--path <path>', 'the artifact\'s tracked file or folder, when dvd.yaml does not declare it')
    .option('-f, --force', 'allow a version lower than the latest, or a second version of one commit')
    .option('--push', 'push the tag to the Git remote')
    .option('--json', 'print one JSON document')
    .action(async (name: string, opts: { version?: string; bumpMajor?: boolean; bumpMinor?: boolean; bumpPatch?: boolean; rev?: string; message?: string; path?: string; force?: boolean; push?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const bumps = ([['major', opts.bumpMajor], ['minor', opts.bumpMinor], ['patch', opts.bumpPatch]] as const).filter(([, on]) => on).map(([p]) => p);
      if (bumps.length > 1) throw usageError('give one --bump-* option');
      const r = await (await api.register()).artifactRegister(ctx, { name, version: opts.version, bump: bumps[0], rev: opts.rev, message: opts.message, path: opts.path, force: opts.force, push: opts.push });
      for (const w of r.warnings) ctx.log.warn(w);
      if (opts.json) return printJson(r);
      const l = r.lineage;
      const made = l.stage ? `stage ${l.stage}, ${plural(l.lock?.deps.length ?? 0, 'dep')}, ${plural(Object.keys(l.metrics ?? {}).length, 'metrics file')}` : `pointer ${l.pointer}`;
      printResult(cmd, `registered ${name} ${r.version}: tag ${r.tag} on ${short(r.commit)} (${l.path}, ${formatBytes(l.size)}; ${made})${r.pushedTo ? `, pushed to ${r.pushedTo}` : ''}`);
    });

  for (const verb of ['assign', 'unassign'] as const) {
    const c = artifact
      .command(verb)
      .description(verb === 'assign' ? 'put a version into a stage: tag NAME#STAGE#N on its commit' : 'take a version out of a stage: tag NAME#STAGE!#N')
      .argument('<name>', 'artifact name')
      .requiredOption('--stage <stage>', 'stage (registry.stages lists the allowed ones when set)')
      .option('--version <version>', verb === 'assign' ? 'version (default: the latest)' : "version (default: the stage's current one)")
      .option('-m, --message <msg>', 'tag message');
    if (verb === 'assign') c.option('-f, --force', 'assign again a version already in the stage');
    c.option('--push', 'push the tag to the Git remote')
      .option('--json', 'print one JSON document')
      .action(async (name: string, opts: { stage: string; version?: string; message?: string; force?: boolean; push?: boolean; json?: boolean }, cmd: Command) => {
        const ctx = makeContext(cmd);
        const o = { name, stage: opts.stage, version: opts.version, message: opts.message, push: opts.push };
        const r = verb === 'assign' ? await (await api.assign()).artifactAssign(ctx, { ...o, force: opts.force }) : await (await api.unassign()).artifactUnassign(ctx, o);
        if (opts.json) return printJson(r);
        printResult(cmd, `${verb === 'assign' ? 'assigned' : 'unassigned'} ${name} ${short(r.version)} ${verb === 'assign' ? 'to' : 'from'} ${r.stage}: tag ${r.tag}${r.pushedTo ? `, pushed to ${r.pushedTo}` : ''}`);
      });
  }

  artifact
    .command('deprecate')
    .description('mark an artifact as no longer in use: tag NAME@deprecated (a later register makes it active again)')
    .argument('<name>', 'artifact name')
    .option('-m, --message <msg>', 'tag message')
    .option('--push', 'push the tag to the Git remote')
    .option('--json', 'print one JSON document')
    .action(async (name: string, opts: { message?: string; push?: boolean; json?: boolean }, cmd: Command) => {
      const r = await (await api.deprecate()).artifactDeprecate(makeContext(cmd), { name, message: opts.message, push: opts.push });
      if (opts.json) return printJson(r);
      printResult(cmd, `deprecated ${name}: tag ${r.tag}${r.pushedTo ? `, pushed to ${r.pushedTo}` : ''}`);
    });

  artifact
    .command('show')
    .description('every artifact with its latest version and stages; NAME: its versions; NAME@vX.Y.Z or NAME#STAGE: that version with its lineage')
    .argument('[ref]', 'NAME, NAME@vX.Y.Z, NAME@latest or NAME#STAGE')
    .option('--json', 'print one JSON document')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await api.show()).artifactShow(ctx, { ref });
      if (r.kind === 'version') for (const w of r.warnings) ctx.log.warn(w);
      if (opts.json) printJson(r);
      else await printShow(r);
    });

  artifact
    .command('history')
    .description('registry events (register, assign, unassign, deprecate...), newest first')
    .argument('[name]', 'artifact name (default: every artifact)')
    .option('--json', 'print one JSON document')
    .action(async (name: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const r = await (await api.history()).artifactHistory(makeContext(cmd), { name });
      if (opts.json) return printJson(r);
      if (r.events.length === 0) return void process.stdout.write('no registry events\n');
      process.stdout.write(table([['date', 'artifact', 'event', 'version', 'stage', 'tag', 'by'], ...r.events.map((e) => [day(e.time), e.artifact, e.event, e.version ? short(e.version) : '', e.stage ?? '', e.tag, e.by])]));
    });

  artifact
    .command('get')
    .description("download a version's data: NAME (latest), NAME@vX.Y.Z or NAME#STAGE, from the cache or the remote")
    .argument('<ref>', 'NAME, NAME@vX.Y.Z, NAME@latest or NAME#STAGE')
    .option('-o, --out <out>', "where to write (default: the artifact's file or folder name)")
    .option('-r, --remote <name>', 'remote to download from (default: core.remote at that version)')
    .option('-j, --jobs <n>', 'downloads in flight', parseJobs)
    .option('--json', 'print one JSON document')
    .action(async (ref: string, opts: { out?: string; remote?: string; jobs?: number; json?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await (await api.get()).artifactGet(ctx, { ref, out: opts.out, remote: opts.remote, jobs: opts.jobs });
      if (opts.json) return printJson(r);
      printResult(cmd, `got ${r.artifact} ${short(r.version)}${r.stage ? ` (${r.stage})` : ''}: ${r.path} -> ${r.out} (${plural(r.files, 'file')}, ${formatBytes(r.bytes)})`);
    });
}
