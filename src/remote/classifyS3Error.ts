import { formatDuration } from './remoteSettings.js';
import { isRetriableNetworkError, TransferError } from './TransferError.js';

/** What the classifier needs to know about the remote to word an error. */
export interface S3ErrorContext {
  name: string;
  /** `s3://bucket/prefix at endpoint`, for messages. */
  url: string;
  bucket: string;
  pathStyle: boolean;
  timeoutMs: number;
  /** The profile dvd resolved and where it came from, for the no-credentials message. */
  profile: { name: string; source: string };
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  ServerTime?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; reason?: string; headers?: Record<string, string> };
  $responseBodyText?: string;
  $retryable?: unknown;
}

// Node's TLS verification failures (openssl's X509_V_ERR_* names): the server answered,
// but with a certificate this machine does not trust.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const CLOCK_NAMES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
const BODY_START = 160;

/** Seconds or an HTTP date (RFC 9110 10.2.3) -> ms from now; undefined if absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The HTTP answer in words: `HTTP 502 Bad Gateway: "<start of the body>"` when the body
 * was not S3's XML (a proxy's or load balancer's page; tags stripped, whitespace
 * collapsed), `HTTP 500 InternalError: <S3's message>`, or `... (no body)` for HEAD.
 */
function httpAnswer(e: SdkError, status: number): string {
  const reason = e.$response?.reason ?? '';
  if (e.$responseBodyText !== undefined) {
    const text = e.$responseBodyText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return `HTTP ${status} ${reason}`.trim() + (text ? `: ${JSON.stringify(text.length > BODY_START ? `${text.slice(0, BODY_START)}...` : text)}` : ' (empty body)');
  }
  const name = e.name ?? e.Code;
  if (name && name !== 'Unknown' && name !== 'Error') return `HTTP ${status} ${name}${e.message && e.message !== name && e.message !== 'UnknownError' ? `: ${e.message}` : ''}`;
  return `HTTP ${status} ${reason}`.trim() + ' (no body)';
}

/**
 * Map an SDK or network error to what the retry policy should do with it, worded so a
 * user can act on it. `what` names the operation (`download sha256/ab/...`); `phase`
 * says whether the answer's headers had arrived (a timeout then means the body went
 * silent). Errors that concern the whole remote (credentials, bucket, DNS, TLS) are
 * fatal and say nothing of the object that met them first.
 */
export function classifyS3Error(err: unknown, what: string, ctx: S3ErrorContext, phase: 'request' | 'body' = 'request'): TransferError {
  if (err instanceof TransferError) return err;
  const e = (err ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const name = e.name ?? e.Code ?? '';
  const at = `remote ${ctx.name} (${ctx.url})`;
  const perObject = (kind: 'retriable' | 'throttled', code: string, reason: string, extra: { retryAfterMs?: number } = {}) =>
    new TransferError(kind, code, `${what}: ${at} ${reason}`, { cause: err, reason, status, ...extra });
  const fatal = (code: string, message: string, hint: string) => new TransferError('fatal', code, message, { cause: err, hint, status });

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    const detail = /Could not load credentials from any providers/i.test(e.message ?? '') || !e.message ? '' : `: ${e.message}`;
    return fatal(
      'ENOCREDENTIALS',
      `no AWS credentials found for ${at} (profile "${ctx.profile.name}" from ${ctx.profile.source})${detail}`,
      `set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use a profile (\`dvd remote modify ${ctx.name} profile NAME\`), or store keys in .dvd/config.local with \`dvd remote modify --local ${ctx.name} access_key_id ...\``,
    );
  }
  if (CLOCK_NAMES.has(name)) {
    const server = e.ServerTime ? ` (the server says ${e.ServerTime}, this machine ${new Date().toISOString().replace(/\.\d+/, '')})` : '';
    return fatal(
      'ECLOCK',
      `${at} refused the request time (${name}): this machine's clock is more than 15 minutes off${server}`,
      "set the system clock right (e.g. `timedatectl set-ntp true`); S3 refuses signatures more than 15 minutes from the server's time",
    );
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidToken' || name === 'ExpiredToken') {
    return fatal('ECREDENTIALS', `${at} rejected the credentials (${name})`, 'check the access key and secret (environment, profile or .dvd/config.local) and that the endpoint and region are right');
  }
  if (name === 'NoSuchBucket') {
    return fatal('ENOBUCKET', `the bucket of ${at} does not exist`, `create the bucket, or fix the url with \`dvd remote modify ${ctx.name} url s3://BUCKET/PREFIX\``);
  }
  if (status === 301 || (status === 400 && e.$response?.headers?.['x-amz-bucket-region'])) {
    const region = e.$response?.headers?.['x-amz-bucket-region'];
    return fatal(
      'EREGION',
      `${at} is in ${region ? `region ${region}` : 'another region'} and did not accept requests signed for it (${httpAnswer(e, status)})`,
      `set the region: \`dvd remote modify ${ctx.name} region ${region ?? 'REGION'}\``,
    );
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || status === 403) {
    return fatal(
      'EACCESSDENIED',
      `access denied by ${at}`,
      'the credentials are valid but lack permission (s3:GetObject, s3:PutObject, s3:ListBucket on the bucket and prefix); check the bucket policy, or the credentials themselves',
    );
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new TransferError('missing', 'ENOREMOTEOBJECT', `${what}: not on ${at}`, { cause: err, status });
  if (THROTTLE_NAMES.has(name) || status === 503 || status === 429) {
    const answer = `HTTP ${status ?? 503} ${name && name !== 'Unknown' ? name : (e.$response?.reason ?? '')}`.trim();
    return perObject('throttled', 'ETHROTTLED', `asked to slow down (${answer})`, {
      retryAfterMs: retryAfterMs(e.$response?.headers?.['retry-after']),
    });
  }
  const code = e.code ?? '';
  if (DNS_CODES.has(code)) {
    const host = e.hostname ?? '?';
    const hint =
      !ctx.pathStyle && host.startsWith(`${ctx.bucket}.`)
        ? `with path_style false the bucket is part of the host name (${host}); a store without wildcard DNS needs \`dvd remote modify ${ctx.name} path_style true\``
        : 'check the endpoint (`dvd remote list`, remote.NAME.endpoint) and your DNS';
    const reason = code === 'EAI_AGAIN' ? `could not look up the host name ${host} (EAI_AGAIN: DNS did not answer)` : `the host name ${host} was not found (${code})`;
    if (code === 'EAI_AGAIN') return perObject('retriable', 'EDNS', reason);
    return fatal('EUNREACHABLE', `cannot reach ${at}: ${reason}`, hint);
  }
  if (UNREACHABLE_CODES.has(code)) {
    const where = e.address ? ` (${e.address}${e.port ? `:${e.port}` : ''})` : '';
    return fatal('EUNREACHABLE', `cannot reach ${at}${where}: ${code}`, 'check the endpoint (`dvd remote list`, remote.NAME.endpoint), your network, and that the server is running');
  }
  if (TLS_CODES.has(code)) {
    return fatal(
      'ETLS',
      `cannot reach ${at}: its TLS certificate is not trusted (${code}: ${e.message})`,
      'if a private or corporate CA signed it, point AWS_CA_BUNDLE (or ca_bundle in ~/.aws/config) at its PEM file',
    );
  }
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const limit = formatDuration(ctx.timeoutMs);
    return perObject('retriable', 'ETIMEOUT', phase === 'body' ? `sent nothing for ${limit}` : `did not answer within ${limit}`);
  }
  if (status !== undefined && status >= 500) return perObject('retriable', 'ETRANSIENT', `answered ${httpAnswer(e, status)}`);
  if (isRetriableNetworkError(err) || e.$retryable) return perObject('retriable', 'ETRANSIENT', `failed: ${code || name} ${e.message ?? ''}`.trim());
  // An answer we cannot act on (a captive portal's page, an unknown error code): report
  // it with what the server said, and do not loop on it.
  if (status !== undefined) return fatal('EREMOTE', `${at} answered ${httpAnswer(e, status)}`, 'check the endpoint and any proxy between this machine and the store');
  return fatal('EREMOTE', `${at} failed: ${e.message ?? String(err)}`, 'run again with -v for details');
}

/**
 * The error for a request that ran out of attempts while no request of the remote
 * succeeded: it concerns the remote, not the object (RetryPolicy's remoteFailed).
 */
export function remoteFailedError(last: TransferError, attempts: number, ctx: S3ErrorContext): TransferError {
  const at = `remote ${ctx.name} (${ctx.url})`;
  const n = `(${attempts} attempt${attempts === 1 ? '' : 's'})`;
  if (last.code === 'ETIMEOUT') {
    return new TransferError('fatal', 'ETIMEOUT', `${at} did not answer within ${formatDuration(ctx.timeoutMs)} ${n}`, {
      cause: last,
      hint: `check the endpoint and the network; on a slow link raise the limit: \`dvd remote modify ${ctx.name} timeout 2m\``,
    });
  }
  if (last.kind === 'throttled') {
    const answer = /\((.*)\)$/.exec(last.reason ?? '')?.[1] ?? 'throttling';
    return new TransferError('fatal', 'ETHROTTLED', `${at} kept asking to slow down (${answer}) and answered nothing else ${n}`, {
      cause: last,
      hint: `try again later, or with fewer transfers: \`dvd remote modify ${ctx.name} jobs 4\``,
    });
  }
  return new TransferError('fatal', last.code, `${at} ${last.reason ?? last.message} ${n}`, { cause: last, hint: 'run the command again later; check the remote and any proxy in between' });
}
