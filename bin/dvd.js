#!/usr/bin/env node
// Thin launcher: the program is one bundled file, dist/bundle/main.js, built from src/
// by `npm run build` (tsc checks the types, then scripts/bundle.js bundles it; `npm
// install` runs both via `prepare`).
import { main } from '../dist/bundle/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
