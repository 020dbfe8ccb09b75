import { loadConfig } from '../core/config.js';
import { requireRepoRoot } from '../core/repo.js';
import { openCheckedRemote } from './openCheckedRemote.js';
import { dvdShareOf, type ApiContext } from './context.js';
import { versionReport, type VersionReport } from './versionReport.js';

export interface RemoteCheck {
  name: string;
  url: string;
  ok: boolean;
  /** Round trip of the listing, milliseconds. */
  ms: number;
  error?: { code: string; message: string; hint?: string };
}

export interface DoctorReport extends VersionReport {
  remoteChecks: RemoteCheck[];
  /** One line per thing that will make commands fail; empty when all is well. */
  problems: string[];
}

/**
 * A remote without a timeout of its own (a folder, say on a hung network mount) that does
 * not answer within this long is reported as such: doctor must not hang.
 */
export const REMOTE_CHECK_TIMEOUT_MS = 15_000;

/**
 * `dvd doctor`: the version report, plus whether each remote answers: one listing of a
 * key prefix (`sha256/00/`), which needs the bucket or folder to exist and the
 * credentials to be allowed to list. One attempt, bounded by the remote's own timeout
 * (remote.NAME.timeout, so a slow link that needs more can have it), else by
 * REMOTE_CHECK_TIMEOUT_MS. Remotes are checked one after another.
 */
export async function doctor(ctx: ApiContext, o: { dvdVersion: string }): Promise<DoctorReport> {
  const report: DoctorReport = { ...versionReport(ctx, o), remoteChecks: [], problems: [] };
  if (!report.git) report.problems.push('git was not found on PATH: dvd reads Git history more slowly without it, and `dvd get URL` needs it');
  if (report.repoError) report.problems.push(report.repoError);
  if (!report.repo) return report;
  const root = requireRepoRoot(ctx.cwd);
  const config = loadConfig(root, dvdShareOf(root));
  if (!report.repo.cache.uses) {
    report.problems.push(`none of cache.type (${report.repo.cache.configured.join(',')}) works between ${report.repo.cache.dir} and the workspace; add copy to cache.type`);
  }
  for (const r of report.repo.remotes) {
    const start = Date.now();
    const check: RemoteCheck = { name: r.name, url: r.url, ok: false, ms: 0 };
    let opened: ReturnType<typeof openCheckedRemote> | null = null;
    try {
      opened = openCheckedRemote(root, config, r.name, { attempts: 1 });
      const listing = opened.remote.list('sha256/00/');
      if (opened.remote.timeoutMs !== undefined) {
        await listing;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${REMOTE_CHECK_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })), REMOTE_CHECK_TIMEOUT_MS);
        });
        try {
          await Promise.race([listing, timeout]);
        } finally {
          clearTimeout(timer);
        }
      }
      check.ok = true;
    } catch (err) {
      const e = err as { code?: string; message?: string; hint?: string };
      check.error = { code: e.code ?? 'EUNKNOWN', message: e.message ?? String(err), ...(e.hint ? { hint: e.hint } : {}) };
      report.problems.push(`remote ${r.name} (${r.url}): ${check.error.message}`);
    } finally {
      opened?.remote.close();
    }
    check.ms = Date.now() - start;
    report.remoteChecks.push(check);
  }
  return report;
}
