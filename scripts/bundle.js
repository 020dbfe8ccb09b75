// Bundles the CLI into dist/bundle/ with esbuild (`npm run build` runs it after tsc,
// which stays the type checker and builds dist/ for nothing else). Why: Node resolves,
// reads and links each ES module on its own, and dvd's start-up loaded ~35 of them
// plus commander's CommonJS files before doing anything. One file costs less: `dvd
// status` of 20,000 files took 0.85x the CPU time, `dvd --version` 0.90x (numbers in
// bench/results.md, "Start-up"). A split build (one chunk per lazy `import()`) was
// faster for `--version` (0.81x) but slower for status (0.93x): ~30 chunks to link.
// Packages that are big and needed by few commands stay outside, loaded from
// node_modules on first use: the AWS SDK (S3 remotes), isomorphic-git (the fallback
// without a git binary), fast-glob (`add --glob`), and the CommonJS ones required
// lazily with createRequire (cli-progress, ignore).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  absWorkingDir: root,
  // Entry names are kept: filePool.ts starts `./fileWorker.js` beside itself, and
  // version.ts / install.ts find package.json and bin/ two folders up, as from dist/cli.
  entryPoints: { main: 'src/cli/main.ts', fileWorker: 'src/core/fileWorker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
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
