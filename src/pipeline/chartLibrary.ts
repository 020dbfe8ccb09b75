import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const requireCjs = createRequire(import.meta.url);

/** The browser builds inlined into plots pages, in load order (vega-embed needs the other two). */
const PACKAGES = ['vega', 'vega-lite', 'vega-embed'] as const;

export interface ChartLibrary {
  name: string;
  version: string;
  /** The package's minified browser build (its `unpkg` file). */
  source: string;
}

/**
 * The charting library a plots page carries inline, read from the installed npm
 * packages: Vega, Vega-Lite and vega-embed (~840 KB minified together). Inlined, not
 * linked to a CDN, so the page opens without a network, in an archive or a CI artifact,
 * years later. Their `exports` hide the build files, so each is found from the package's
 * entry point up to its package.json and its `unpkg` field.
 */
export function chartLibrary(): ChartLibrary[] {
  return PACKAGES.map((name) => {
    let dir = path.dirname(requireCjs.resolve(name));
    for (;;) {
      const pj = path.join(dir, 'package.json');
      if (fs.existsSync(pj)) {
        const meta = JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string; version: string; unpkg?: string };
        if (meta.name === name) return { name, version: meta.version, source: fs.readFileSync(path.join(dir, meta.unpkg ?? `build/${name}.min.js`), 'utf8') };
      }
      const up = path.dirname(dir);
      if (up === dir) throw new Error(`cannot find the package.json of ${name}`);
      dir = up;
    }
  });
}
