// Bundles the CLI into dist/bundle/ with esbuild (`npm run build` runs it after tsc,
// which stays the type checker and builds dist/ for nothing else). Why: Node resolves,
// reads and links each ES module on its own, and dvd's start-up loaded ~35 of them
// plus commander's CommonJS files before doing anything.
// Two pieces: main.js (commander and src/cli) and one chunk holding all of src/api and
// what it uses, loaded by the first `import('../api/X.js')` (plus small chunks of what
// both share, so classes like DvdError exist once). Measured against the tsc output
// (bench/results.md, "Speed at scale"): one single file took `dvd status` of 20,000
// files to 0.85x the CPU and `dvd --version` to 0.90x; these two pieces take
// `--version` 0.89x further (it no longer parses the api code) and status the same.
// esbuild's plain code splitting (a chunk per lazy import, ~65 files) was slower for
// status (0.93x of the tsc output: ~30 chunks to link).
// Packages that are big and needed by few commands stay outside, loaded from
// node_modules on first use: the AWS SDK (S3 remotes), isomorphic-git (the fallback
// without a git binary), fast-glob (`--glob`), and the CommonJS ones required
// lazily with createRequire (cli-progress, ignore; yaml, smol-toml through
// src/pipeline/lazyModules.ts). Since every command loads the api chunk, a package
// that any file of src/api imports statically (directly or through src/pipeline) is
// loaded by `dvd status` too: a static `import ... from 'yaml'` in lineage.ts put
// yaml's 72 modules into every command until it went through lazyModules.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.join(root, 'src/api');

// Every `import('../api/X.js')` of the CLI loads one module that holds all of src/api.
const apiInOneChunk = {
  name: 'api-in-one-chunk',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/api\/[^/]+\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer.startsWith(path.join(root, 'src/cli')) ? { path: 'api', namespace: 'dvd-api' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'dvd-api' }, () => ({
      contents: fs.readdirSync(apiDir).filter((f) => f.endsWith('.ts')).map((f) => `export * from './${f.replace(/\.ts$/, '.js')}';`).join('\n'),
      resolveDir: apiDir,
      loader: 'ts',
    }));
  },
};
// Chunk names change with their content: old ones must not pile up.
fs.rmSync(path.join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // Entry names are kept: filePool.ts starts `./fileWorker.js` beside itself (parallelWalk.ts
  // `./walkWorker.js`), and
  // version.ts / install.ts find package.json and bin/ two folders up, as from dist/cli.
  entryPoints: { main: 'src/cli/main.ts', fileWorker: 'src/core/fileWorker.ts', walkWorker: 'src/core/walkWorker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [apiInOneChunk],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*', 'isomorphic-git', 'fast-glob', 'cli-progress', 'ignore'],
  sourcemap: true,
  logLevel: 'warning',
  // commander and other CommonJS packages inside the bundle call require() for Node's
  // own modules; an ES module has no require, so the bundle makes one.
  banner: { js: "import { createRequire as __dvdCreateRequire } from 'node:module'; const require = __dvdCreateRequire(import.meta.url);" },
});
