import { loadConfig } from '../core/config.js';
import { fileSystemType } from '../core/fileSystemType.js';
import { linkTypesFromConfig, type LinkType } from '../core/linkTypes.js';
import { probeLinkTypes } from '../core/probeLinkTypes.js';
import { findRepoRoot, repoAt } from '../core/repo.js';
import { gitVersion } from '../git/gitVersion.js';
import { remoteNames } from '../remote/openRemote.js';
import { sdkVersion } from '../remote/sdkVersion.js';
import { dvdShareOf, type ApiContext } from './context.js';

export interface VersionReport {
  dvd: string;
  node: string;
  /** null: no git program on PATH (dvd then reads Git through isomorphic-git). */
  git: string | null;
  awsSdk: string | null;
  platform: string;
  /** Why the repository part could not be read (a config file dvd cannot parse, a bad cache.type). */
  repoError?: string;
  /** Risks worth a line, not failures (doctor still exits 0 for these). */
  warnings: string[];
  /** null outside a dvd repository (or when repoError says why not). */
  repo: null | {
    root: string;
    fileSystem: string;
    cache: {
      dir: string;
      fileSystem: string;
      /** cache.type, in order. */
      configured: LinkType[];
      /** Probed just now: which link types work from the cache into the workspace. */
      works: Record<LinkType, boolean>;
      /** The first configured type that works: what checkout will use. */
      uses: LinkType | null;
    };
    remotes: { name: string; url: string; default: boolean }[];
  };
}

/**
 * `dvd version`: versions of dvd, Node, git and the AWS SDK; in a repository, where the
 * cache is, its file system, the link types that work there (probed for real) and the
 * configured remotes. Reads and probes only; the probe's temp files are removed.
 */
export function versionReport(ctx: ApiContext, o: { dvdVersion: string }): VersionReport {
  const report: VersionReport = {
    dvd: o.dvdVersion,
    node: process.versions.node,
    git: gitVersion(),
    awsSdk: sdkVersion(),
    platform: `${process.platform} ${process.arch}`,
    warnings: [],
    repo: null,
  };
  const root = findRepoRoot(ctx.cwd);
  if (!root) return report;
  const share = dvdShareOf(root);
  let config: ReturnType<typeof loadConfig>;
  let configured: LinkType[];
  try {
    config = loadConfig(root, share);
    configured = linkTypesFromConfig(config);
  } catch (err) {
    // The versions are still worth printing; doctor reports this as a problem.
    report.repoError = (err as Error).message;
    return report;
  }
  const repo = repoAt(root, config.get('cache.dir'), share);
  const works = probeLinkTypes(repo);
  const dflt = config.get('core.remote');
  report.repo = {
    root,
    fileSystem: fileSystemType(root),
    cache: { dir: repo.cacheDir, fileSystem: fileSystemType(repo.cacheDir), configured, works, uses: configured.find((t) => works[t]) ?? null },
    remotes: remoteNames(config).map((name) => ({ name, url: config.get(`remote.${name}.url`)!, default: name === dflt })),
  };
  const uses = report.repo.cache.uses;
  if ((uses === 'hardlink' || uses === 'symlink') && process.getuid?.() === 0) {
    // DESIGN rule 6 keeps linked workspace files read-only (0444); root's writes ignore
    // modes, so an edit as root goes through the link into the cache object.
    report.warnings.push(
      `running as root with cache.type ${uses}: root ignores the read-only mode of linked files, so an edit in the workspace changes the cache object itself; as root use reflink,copy (\`dvd config cache.type reflink,copy\` then \`dvd checkout --relink\`), and \`dvd verify\` finds damaged objects`,
    );
  }
  return report;
}
