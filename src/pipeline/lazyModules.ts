import { createRequire } from 'node:module';

// The parsers pipelines need are loaded on first use, not at start-up: every data
// command (checkout, push, ...) reads dvd.lock when there is one, and most repositories
// have none. Loading `yaml` costs ~20 ms of a command's start (measured by timing its
// import on this machine); smol-toml and fastest-levenshtein are needed even more rarely
// (a TOML params file; an error message's suggestion). All three ship CommonJS builds.
const requireCjs = createRequire(import.meta.url);

export const yamlModule = () => requireCjs('yaml') as typeof import('yaml');
export const tomlModule = () => requireCjs('smol-toml') as typeof import('smol-toml');
export const levenshteinModule = () => requireCjs('fastest-levenshtein') as typeof import('fastest-levenshtein');
