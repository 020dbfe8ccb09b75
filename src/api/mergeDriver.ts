import fs from 'node:fs';
import { DvdError } from '../core/errors.js';
import { serializeImportSource } from '../core/importSource.js';
import { loadManifest } from '../core/loadManifest.js';
import { withLock } from '../core/lock.js';
import { serializeManifest } from '../core/manifest.js';
import { storeBuffer } from '../core/objects.js';
import { looksLikePointer, parsePointer, serializePointer, type Pointer } from '../core/pointer.js';
import { shellPath } from '../core/userPaths.js';
import { writeFileAtomic } from '../core/writeFileAtomic.js';
import { openRepo, type ApiContext } from './context.js';
import { ensureManifests } from './ensureManifests.js';
import { mergeManifests } from './mergeManifests.js';

export interface MergeDriverOptions {
  /** Git's temp files: %O ancestor, %A ours (the result is written here), %B theirs. */
  base: string;
  ours: string;
  theirs: string;
  /** %P: the pointer file's path in the repository, for messages. */
  pointerFile: string;
}

export interface MergeDriverResult {
  clean: boolean;
  /** How the result came about. */
  how: 'same' | 'ours' | 'theirs' | 'manifest-merge' | 'conflict';
  /** Why it conflicts: files changed on both sides, or a reason for the whole pointer. */
  conflicts: string[];
  merged?: Pointer;
}

function parseOrNull(text: string, where: string): Pointer | null {
  if (text === '') return null;
  try {
    return parsePointer(text, where);
  } catch (err) {
    if (err instanceof DvdError && err.code === 'EBADPOINTER') return null;
    throw err;
  }
}

/**
 * Git merge driver for `*.dvd` files. Takes the side that changed when only one did;
 * when both sides changed one tracked directory, merges the manifests file by file,
 * stores the merged manifest in the cache and writes the merged pointer. Anything it
 * cannot merge is a conflict: %A gets both versions between conflict markers (which
 * dvd refuses to read until resolved) and the caller exits non-zero so Git marks it.
 */
export async function mergeDriver(ctx: ApiContext, o: MergeDriverOptions): Promise<MergeDriverResult> {
  const open = openRepo(ctx);
  const { repo } = open;
  // A data file committed under a *.dvd name (a DVD image) is merged as Git merges binary
  // files: the side that changed wins, and when both did, ours stays as it is and the
  // file is a conflict. Conflict markers written into it would ruin it.
  const raw = [o.base, o.ours, o.theirs].map((f) => fs.readFileSync(f));
  if (raw.some((b) => b.length > 0 && !looksLikePointer(b, b.length))) {
    const [rb, ra, rt] = raw;
    if (ra.equals(rt) || rb.equals(rt)) return { clean: true, how: 'ours', conflicts: [] };
    if (rb.equals(ra)) {
      writeFileAtomic(o.ours, rt);
      return { clean: true, how: 'theirs', conflicts: [] };
    }
    return { clean: false, how: 'conflict', conflicts: [`${o.pointerFile}: not a dvd pointer (data named *.dvd) and changed on both sides; take one with \`git checkout --ours -- ${shellPath(o.pointerFile)}\` (or --theirs)`] };
  }
  // A side in another spelling (CRLF, no final newline) is the same pointer: compare,
  // and write back, what dvd writes.
  const read = (f: string, side: string) => {
    const text = fs.readFileSync(f, 'utf8');
    const p = parseOrNull(text, `${o.pointerFile} (${side})`);
    return p ? serializePointer(p) : text;
  };
  const [tb, ta, tt] = [read(o.base, 'base'), read(o.ours, 'ours'), read(o.theirs, 'theirs')];
  const conflict = (reasons: string[]): MergeDriverResult => {
    const line = (t: string) => (t === '' || t.endsWith('\n') ? t : `${t}\n`);
    writeFileAtomic(o.ours, `<<<<<<< ours\n${line(ta)}=======\n${line(tt)}>>>>>>> theirs\n`);
    return { clean: false, how: 'conflict', conflicts: reasons };
  };
  if (ta === tt) return { clean: true, how: 'same', conflicts: [] };
  if (tb === ta) {
    writeFileAtomic(o.ours, tt);
    return { clean: true, how: 'theirs', conflicts: [] };
  }
  if (tb === tt) return { clean: true, how: 'ours', conflicts: [] };

  const pb = parseOrNull(tb, `${o.pointerFile} (base)`);
  const pa = parseOrNull(ta, `${o.pointerFile} (ours)`);
  const pt = parseOrNull(tt, `${o.pointerFile} (theirs)`);
  if (!pa || !pt) return conflict([`${o.pointerFile}: one side is not a valid pointer`]);
  if (pa.type !== 'dir' || pt.type !== 'dir' || (pb && pb.type !== 'dir')) {
    return conflict([`${o.pointerFile}: both sides changed ${pa.type === 'file' && pt.type === 'file' ? 'this file' : 'the tracked data'}; pick one version`]);
  }
  if (pa.path !== pt.path) return conflict([`${o.pointerFile}: the sides name different targets (${pa.path}, ${pt.path})`]);
  // Imported data (a `source:` block) merged file by file is the source's data only when
  // both sides say the same source; two different source versions cannot both describe
  // the result, and dropping them silently would lose what `dvd update` follows.
  const [sa, st] = [pa.source && serializeImportSource(pa.source), pt.source && serializeImportSource(pt.source)];
  if (sa && st && sa !== st) {
    return conflict([`${o.pointerFile}: both sides imported ${pa.path} from different source versions; take one side, then \`dvd update\` follows it`]);
  }
  const source = sa === st ? pa.source : undefined;
  if (sa !== st) ctx.log.warn(`${o.pointerFile}: one side changed imported data, so the merged ${pa.path} is ordinary tracked data (\`dvd update\` no longer applies)`);

  const sides = [
    { pointerFile: `${o.pointerFile} (ours)`, pointer: pa },
    { pointerFile: `${o.pointerFile} (theirs)`, pointer: pt },
    ...(pb ? [{ pointerFile: `${o.pointerFile} (base)`, pointer: pb }] : []),
  ];
  return withLock(repo, 'merge-driver', async () => {
    try {
      await ensureManifests(ctx, open, sides);
    } catch (err) {
      if (!(err instanceof DvdError)) throw err;
      return conflict([`${o.pointerFile}: cannot merge without the directory manifests: ${err.message}`]);
    }
    const [ea, et, eb] = await Promise.all(sides.map((s) => loadManifest(repo, s.pointer, s.pointerFile)));
    const m = mergeManifests(pb ? eb : [], ea, et);
    const dir = o.pointerFile.replace(/[^/]*$/, '') + pa.path;
    if (m.conflicts.length) {
      return conflict(
        m.conflicts.map((c) => {
          const what = (e: typeof c.ours) => (e ? `sha256:${e.oid.slice(0, 12)} (${e.size} B)` : 'deleted');
          return `${dir}/${c.path}: ours ${what(c.ours)}, theirs ${what(c.theirs)}, base ${what(c.base)}`;
        }),
      );
    }
    const text = serializeManifest(m.entries);
    const oid = await storeBuffer(repo, text);
    const merged: Pointer = { path: pa.path, type: 'dir', oid, size: m.entries.reduce((s, e) => s + e.size, 0), files: m.entries.length, ...(source ? { source } : {}) };
    writeFileAtomic(o.ours, serializePointer(merged));
    return { clean: true, how: 'manifest-merge', conflicts: [], merged };
  });
}
