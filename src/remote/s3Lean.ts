import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';

// Single-request objects (a HEAD, a whole-object GET, a PUT from a buffer) signed with
// SigV4 and sent with node:http directly. Through the SDK each request costs ~2 ms of
// CPU in dvd's process (middleware stack, endpoint rules, XML, checksums), so pushing or
// pulling 20,000 x 100 KiB to s3rver was CPU-bound in dvd, not in the store (issue 15).
// Everything else - multipart, listings, deletes, and what the SDK resolves once
// (credentials with their refresh, the endpoint and addressing for a region, the clock
// offset) - stays with the SDK client, whose objects this one shares.
//
// Answers and failures come back shaped like the SDK's (`$metadata.httpStatusCode`,
// `$response`, the S3 error Code as `name`, Node's network errors as they are), so
// classifyS3Error and S3Remote's redirect and clock handling treat both paths alike.

type Sdk = typeof import('@aws-sdk/client-s3');
type SourceData = string | ArrayBuffer | ArrayBufferView;
type Setting<T> = T | (() => Promise<T>);
const valueOf = async <T>(s: Setting<T>): Promise<T> => (typeof s === 'function' ? (s as () => Promise<T>)() : s);
type LeanCommand = GetObjectCommand | HeadObjectCommand | PutObjectCommand;

/** The SDK client's resolved config, as far as the lean path reads (and updates) it. */
interface SharedConfig {
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  endpointProvider: (params: Record<string, unknown>) => { url: URL; properties?: { authSchemes?: { name?: string; signingName?: string; signingRegion?: string; disableDoubleEncoding?: boolean }[] } };
  // Values or providers of them, depending on the setting and the SDK version.
  useFipsEndpoint: Setting<boolean>;
  useDualstackEndpoint: Setting<boolean>;
  useGlobalEndpoint?: Setting<boolean>;
  /** AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL or the profile's endpoint_url, when no endpoint is set. */
  serviceConfiguredEndpoint?: Setting<string | undefined>;
  /** ms the server's clock is ahead of this machine's; the SDK's signer reads it too. */
  systemClockOffset: number;
}

export interface LeanS3Options {
  sdk: Sdk;
  client: S3Client;
  bucket: string;
  endpoint?: string;
  pathStyle: boolean;
  /** The region requests are signed for now (it changes after a redirect). */
  region: () => string;
  agents: { httpAgent: http.Agent; httpsAgent: https.Agent };
  /** Idle limit for connecting, waiting for the answer, and between body bytes (ms). */
  timeoutMs: number;
  signal: AbortSignal;
}

interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: string;
  host: string;
  /** The endpoint's path (`/bucket` path-style, '' virtual-hosted), no trailing slash. */
  basePath: string;
  signingRegion: string;
}

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape SignatureV4 expects. */
class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {
    this.h = this.fresh();
  }
}

function bytes(d: SourceData): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

// The SDK's encoding of a key in the path (`/{Key+}`): RFC 3986 per segment, slashes kept.
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
// Error bodies are XML of a few hundred bytes; a proxy's page is cut here.
const ERROR_BODY_LIMIT = 64 * 1024;

/** The SDK's rule (@aws-sdk/core getUpdatedSystemClockOffset): the server's Date, unless cached (Age) or the answer took > 15 min. */
function updatedOffset(date: string | undefined, age: string | undefined, current: number, sentAt: number): number {
  if (!date || age !== undefined) return current;
  const server = Date.parse(date);
  const now = Date.now();
  if (Number.isNaN(server) || now - sentAt > 900_000) return current;
  return server - now;
}

const xmlField = (xml: string, tag: string) => {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') : undefined;
};

/**
 * The error an SDK command would have thrown for this answer: S3's XML error Code as
 * `name` (with Message, ServerTime), `NotFound` / `Unknown` when there is no body (HEAD),
 * and a body that is not S3's XML (a proxy's page) as `$responseBodyText`.
 */
function answerError(res: http.IncomingMessage, body: string, clockSkewCorrected: boolean): Error {
  const status = res.statusCode ?? 0;
  const code = /<Error>/.test(body) ? xmlField(body, 'Code') : undefined;
  const err = new Error(code ? (xmlField(body, 'Message') ?? code) : 'UnknownError') as Error & Record<string, unknown>;
  err.name = code ?? (status === 404 ? 'NotFound' : 'Unknown');
  if (code) {
    err.Code = code;
    const serverTime = xmlField(body, 'ServerTime');
    if (serverTime) err.ServerTime = serverTime;
  } else if (body) {
    err.$responseBodyText = body;
  }
  err.$fault = status >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode: status, requestId: res.headers['x-amz-request-id'], clockSkewCorrected: clockSkewCorrected || undefined };
  err.$response = { statusCode: status, reason: res.statusMessage, headers: res.headers };
  return err;
}

const timeoutError = (ms: number, phase: string) => Object.assign(new Error(`no data for ${ms} ms ${phase}`), { name: 'TimeoutError', code: 'ETIMEDOUT' });

/**
 * Sends HeadObject, whole-object GetObject and buffered PutObject commands itself (see
 * the top of this file); `accepts` says which. Answers: GetObject `{ Body, ContentLength,
 * ETag }` with Body the response stream (its timeout and the abort signal still apply),
 * HeadObject `{ ContentLength, ETag }`, PutObject `{ ETag }`. A non-2xx answer or a
 * network failure rejects with an SDK-shaped error (see answerError).
 */
export class LeanS3 {
  private readonly o: LeanS3Options;
  private readonly config: SharedConfig;
  private readonly signer: SignatureV4;
  /** Addressing per signing region, from the SDK's own endpoint rules; null: leave that region to the SDK. */
  private readonly targets = new Map<string, Promise<Target | null>>();

  constructor(o: LeanS3Options) {
    this.o = o;
    this.config = o.client.config as unknown as SharedConfig;
    // S3 signs the path as sent (no double encoding) and the payload's SHA-256 (applyChecksum).
    this.signer = new SignatureV4({ credentials: this.config.credentials, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false, applyChecksum: true });
  }

  /** Whether send() takes this command: the ones that are one request with a body in memory, or none. */
  accepts(cmd: object): cmd is LeanCommand {
    const { sdk } = this.o;
    if (cmd instanceof sdk.HeadObjectCommand) return true;
    if (cmd instanceof sdk.GetObjectCommand) return cmd.input.Range === undefined;
    return cmd instanceof sdk.PutObjectCommand && Buffer.isBuffer(cmd.input.Body);
  }

  private target(region: string): Promise<Target | null> {
    let t = this.targets.get(region);
    if (!t) {
      t = this.resolveTarget(region);
      this.targets.set(region, t);
    }
    return t;
  }

  // The SDK's endpoint rules decide path-style vs virtual-hosted (an IP endpoint, a
  // bucket name with dots), the AWS host for the region (FIPS, dual-stack, China) and
  // the signing scheme. Anything but plain SigV4 (S3 Express, SigV4a) stays with the SDK.
  private async resolveTarget(region: string): Promise<Target | null> {
    const c = this.config;
    const ep = c.endpointProvider({
      Bucket: this.o.bucket,
      Region: region,
      Endpoint: this.o.endpoint ?? (await valueOf(c.serviceConfiguredEndpoint)),
      ForcePathStyle: this.o.pathStyle,
      UseFIPS: (await valueOf(c.useFipsEndpoint)) ?? false,
      UseDualStack: (await valueOf(c.useDualstackEndpoint)) ?? false,
      UseGlobalEndpoint: (await valueOf(c.useGlobalEndpoint)) ?? false,
      Accelerate: false,
    });
    const auth = ep.properties?.authSchemes?.[0];
    if (auth && (auth.name !== 'sigv4' || (auth.signingName ?? 's3') !== 's3')) return null;
    const url = ep.url;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      host: url.host,
      basePath: url.pathname.replace(/\/$/, ''),
      signingRegion: auth?.signingRegion ?? region,
    };
  }

  async send(cmd: LeanCommand): Promise<Record<string, unknown>> {
    const { sdk } = this.o;
    const target = await this.target(this.o.region());
    // A region whose addressing or signing the lean path does not do: the SDK sends.
    if (!target) return (await this.o.client.send(cmd as GetObjectCommand, { abortSignal: this.o.signal })) as unknown as Record<string, unknown>;
    const input = cmd.input;
    const headers: Record<string, string> = { host: target.host };
    let body: Buffer | undefined;
    let method: 'GET' | 'HEAD' | 'PUT';
    if (cmd instanceof sdk.PutObjectCommand) {
      const p = cmd.input;
      method = 'PUT';
      body = p.Body as Buffer;
      headers['content-type'] = p.ContentType ?? 'application/octet-stream';
      headers['content-length'] = String(body.length);
      headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
      if (p.ServerSideEncryption) headers['x-amz-server-side-encryption'] = p.ServerSideEncryption;
      if (p.SSEKMSKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = p.SSEKMSKeyId;
      if (p.StorageClass) headers['x-amz-storage-class'] = p.StorageClass;
      for (const [k, v] of Object.entries(p.Metadata ?? {})) headers[`x-amz-meta-${k.toLowerCase()}`] = v;
    } else {
      method = cmd instanceof sdk.HeadObjectCommand ? 'HEAD' : 'GET';
      headers['x-amz-content-sha256'] = EMPTY_SHA256;
    }
    const path = `${target.basePath}/${encodeKey(input.Key!)}`;
    const offsetBefore = this.config.systemClockOffset;
    const signed = await this.signer.sign(
      { method, protocol: target.protocol, hostname: target.hostname, port: target.port ? Number(target.port) : undefined, path, query: {}, headers, body },
      { signingDate: new Date(Date.now() + offsetBefore), signingRegion: target.signingRegion, signingService: 's3' },
    );
    return this.exchange(target, method, path, signed.headers, body, offsetBefore);
  }

  private exchange(t: Target, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, offsetBefore: number): Promise<Record<string, unknown>> {
    const { timeoutMs, signal } = this.o;
    const mod = t.protocol === 'https:' ? https : http;
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      let res: http.IncomingMessage | undefined;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const req = mod.request({
        protocol: t.protocol,
        hostname: t.hostname,
        port: t.port,
        method,
        path,
        headers,
        agent: t.protocol === 'https:' ? this.o.agents.httpsAgent : this.o.agents.httpAgent,
        // A socket timeout: set before connecting, so it bounds the connect, the wait for
        // the answer and each silence in the body alike (the SDK's connectionTimeout and
        // socketTimeout, both remote.NAME.timeout).
        timeout: timeoutMs,
        signal,
      });
      req.on('timeout', () => {
        const err = timeoutError(timeoutMs, res ? 'in the body' : 'waiting for the answer');
        if (res) res.destroy(err);
        req.destroy(err);
      });
      req.on('error', fail);
      req.on('response', (r) => {
        res = r;
        const status = r.statusCode ?? 0;
        // The same sampling as the SDK's signer: every answer's Date sets the offset.
        const offset = updatedOffset(r.headers.date, r.headers.age as string | undefined, this.config.systemClockOffset, sentAt);
        this.config.systemClockOffset = offset;
        if (status >= 200 && status < 300) {
          settled = true;
          const meta = { ContentLength: r.headers['content-length'] !== undefined ? Number(r.headers['content-length']) : undefined, ETag: r.headers.etag };
          if (method === 'GET') {
            // The caller reads the body; until it ends, a timeout or abort destroys it.
            resolve({ ...meta, Body: r });
            return;
          }
          r.resume();
          r.once('end', () => resolve(meta));
          r.once('error', reject);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        r.on('data', (c: Buffer) => {
          if (size < ERROR_BODY_LIMIT) chunks.push(c);
          size += c.length;
        });
        r.once('error', fail);
        r.once('end', () => {
          const corrected = Math.abs(offset) >= 240_000 && offset !== offsetBefore;
          fail(answerError(r, Buffer.concat(chunks).toString('utf8'), corrected));
        });
      });
      req.end(body);
    });
  }
}
