import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type {
  CreateMultipartUploadCommandOutput,
  GetObjectCommandOutput,
  ListObjectsV2CommandOutput,
  S3Client,
  ServerSideEncryption,
  StorageClass,
  UploadPartCommandOutput,
} from '@aws-sdk/client-s3';

// The SDK is imported on first use, not at startup: loading it costs ~650 ms on these
// machines, which every dvd command (status, add, ...) would otherwise pay.
type Sdk = typeof import('@aws-sdk/client-s3');
import { hashFile } from '../core/hashFile.js';
import type { GetOptions, GetResult, PutOptions, Remote } from './Remote.js';
import { streamToFile } from './streamToFile.js';
import { isRetriableNetworkError, TransferError } from './TransferError.js';
import { forEachParallel } from '../core/forEachParallel.js';
import { Slots } from './Slots.js';
import { withRetries } from './withRetries.js';

export interface S3RemoteOptions {
  name: string;
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  pathStyle?: boolean;
  sse?: string;
  sseKmsKeyId?: string;
  storageClass?: string;
  /** Static keys from .dvd/config.local; otherwise the AWS default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Transfers in flight; sizes the connection pool. */
  jobs: number;
  /** Objects at least this big go up in parts and come down in parallel ranges. */
  multipartThreshold: number;
  partSize: number;
}

// Measured on these machines (DESIGN "S3 facts"): with keep-alive and 32 requests in
// flight the SDK moved 2,000 x 64 KiB up in 1.7 s against s3rver; rclone with 16
// transfers took 4.7 s. Our own sweep, `dvd fetch` of 20,000 x 100 KiB from s3rver on a
// busy 2-core box: -j 8 99 s, 16 102 s, 32 75 s, 64 106 s. So 32 is the default.
export const S3_DEFAULT_JOBS = 32;
// Parts of 16 MiB held in memory at once. Pushing 2 x 1 GiB to s3rver: 8 parts took
// 27.0 s at 255 MB peak RSS, 4 parts 28.1 s at 188 MB (issue 5's memory target is 200 MB),
// so 4: more only costs memory.
const MAX_PART_BUFFERS = 4;
// Small objects are read into memory and sent in one buffer: a read stream costs more
// than the 100 KiB it carries.
const BUFFER_BODY_LIMIT = 8 * 1024 * 1024;
// S3 allows at most 10,000 parts per upload.
const MAX_PARTS = 10_000;

export class S3Remote implements Remote {
  readonly name: string;
  readonly url: string;
  readonly defaultJobs = S3_DEFAULT_JOBS;
  private loaded?: Promise<{ sdk: Sdk; client: S3Client }>;
  private readonly o: S3RemoteOptions;
  private readonly keyPrefix: string;
  /** Multipart parts held in memory at once, across all objects (see Slots). */
  private readonly partSlots = new Slots(MAX_PART_BUFFERS);

  constructor(o: S3RemoteOptions) {
    this.o = o;
    this.name = o.name;
    this.url = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ''}${o.endpoint ? ` at ${o.endpoint}` : ''}`;
    this.keyPrefix = o.prefix ? `${o.prefix}/` : '';
  }

  private load(): Promise<{ sdk: Sdk; client: S3Client }> {
    const o = this.o;
    // dvd targets Node 20 (DESIGN); the SDK's "upgrade to Node 22" notice would print on
    // every S3 command and tells the user nothing they can act on in dvd.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.loaded ??= import('@aws-sdk/client-s3').then((sdk) => {
      // Keep-alive: a fresh TCP (and TLS) handshake per 100 KiB object would cost more than
      // the transfer. Sockets: every job plus the parts of one large object.
      const maxSockets = o.jobs + 16;
      const client = new sdk.S3Client({
        region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        endpoint: o.endpoint,
        forcePathStyle: o.pathStyle ?? o.endpoint !== undefined,
        profile: o.profile,
        credentials: o.credentials,
        // The transfer queue owns retries (it also covers bodies cut off mid-stream, which
        // the SDK cannot retry), so the SDK makes exactly one attempt.
        maxAttempts: 1,
        // Default flexible checksums send bodies as aws-chunked, which s3rver and other
        // S3-compatible stores store verbatim as data (DESIGN). We verify SHA-256 ourselves.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        // The SDK warns on console about non-retryable streaming errors; we report them ourselves.
        logger: { debug() {}, info() {}, warn() {}, error() {}, trace() {} },
        requestHandler: {
          httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
          httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
          connectionTimeout: 10_000,
          requestTimeout: 120_000,
        },
      });
      return { sdk, client };
    });
    return this.loaded;
  }

  private key(key: string): string {
    return this.keyPrefix + key;
  }

  private async send<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyS3Error(err, what, this);
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.call((sdk) => new sdk.HeadObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }));
      return true;
    } catch (err) {
      const e = classifyS3Error(err, `check ${key}`, this);
      if (e.kind === 'missing') return false;
      if (e.code === 'EACCESSDENIED') {
        // A HEAD answer has no body, so a 403 cannot say whether the key id is unknown,
        // the signature is wrong, or access is denied. A listing's error body can.
        await this.list(key);
      }
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    const strip = this.keyPrefix.length;
    do {
      const res = await this.send(`list ${prefix}`, () =>
        this.call<ListObjectsV2CommandOutput>((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.key(prefix), ContinuationToken: token })),
      );
      for (const c of res.Contents ?? []) if (c.Key) out.push(c.Key.slice(strip));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /**
   * `key` itself, or else every object under `key/`, with size, ETag and modification
   * time (for `dvd import-url`, which reads objects outside dvd's own layout). Keys are
   * relative to the remote's root.
   */
  async listDetailed(key: string): Promise<{ key: string; size: number; etag: string; mtimeMs: number }[]> {
    const out: { key: string; size: number; etag: string; mtimeMs: number }[] = [];
    let token: string | undefined;
    const strip = this.keyPrefix.length;
    do {
      const res = await this.send(`list ${key}`, () =>
        this.call<ListObjectsV2CommandOutput>((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.key(key), ContinuationToken: token })),
      );
      for (const c of res.Contents ?? []) {
        const k = c.Key?.slice(strip);
        if (k === undefined || (k !== key && !k.startsWith(`${key}/`)) || k.endsWith('/')) continue;
        out.push({ key: k, size: c.Size ?? 0, etag: (c.ETag ?? '').replace(/"/g, ''), mtimeMs: c.LastModified?.getTime() ?? 0 });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    const exact = out.find((o) => o.key === key);
    return exact ? [exact] : out;
  }

  private extra() {
    return {
      Metadata: undefined as Record<string, string> | undefined,
      ServerSideEncryption: this.o.sse as ServerSideEncryption | undefined,
      SSEKMSKeyId: this.o.sseKmsKeyId,
      StorageClass: this.o.storageClass as StorageClass | undefined,
    };
  }

  async put(key: string, srcFile: string, opts: PutOptions): Promise<void> {
    // The oid rides along as metadata so `dvd verify --remote` and other tools can
    // compare without trusting the store's ETag (not an MD5 for multipart uploads).
    const common = { ...this.extra(), Bucket: this.o.bucket, Key: this.key(key), Metadata: { sha256: opts.sha256 } };
    if (opts.size >= this.o.multipartThreshold) return this.putMultipart(key, srcFile, opts, common);
    const body = opts.size <= BUFFER_BODY_LIMIT ? await fs.promises.readFile(srcFile) : fs.createReadStream(srcFile);
    await this.send(`upload ${key}`, () =>
      this.call((sdk) => new sdk.PutObjectCommand({ ...common, Body: body, ContentLength: opts.size, ContentType: 'application/octet-stream' })),
    );
    opts.onBytes?.(opts.size);
  }

  private async putMultipart(key: string, srcFile: string, opts: PutOptions, common: ReturnType<S3Remote['extra']> & { Bucket: string; Key: string }): Promise<void> {
    const partSize = Math.max(this.o.partSize, Math.ceil(opts.size / MAX_PARTS));
    const count = Math.max(1, Math.ceil(opts.size / partSize));
    const created = await this.send(`start multipart upload of ${key}`, () =>
      this.call<CreateMultipartUploadCommandOutput>((sdk) => new sdk.CreateMultipartUploadCommand({ ...common, ContentType: 'application/octet-stream' })),
    );
    const uploadId = created.UploadId!;
    const etags: string[] = new Array(count);
    try {
      await forEachParallel(partNumbers(count), Math.min(this.o.jobs, 16), (i) => this.partSlots.run(async () => {
        const start = i * partSize;
        const len = Math.min(partSize, opts.size - start);
        const fh = await fs.promises.open(srcFile, 'r');
        let buf: Buffer;
        try {
          buf = Buffer.allocUnsafe(len);
          let off = 0;
          while (off < len) {
            const { bytesRead } = await fh.read(buf, off, len - off, start + off);
            if (bytesRead === 0) throw new Error(`${srcFile} shrank while uploading`);
            off += bytesRead;
          }
        } finally {
          await fh.close();
        }
        const res = await withRetries(() =>
          this.send(`upload part ${i + 1}/${count} of ${key}`, () =>
            this.call<UploadPartCommandOutput>((sdk) => new sdk.UploadPartCommand({ Bucket: this.o.bucket, Key: common.Key, UploadId: uploadId, PartNumber: i + 1, Body: buf, ContentLength: len })),
          ),
        );
        etags[i] = res.ETag ?? '';
        opts.onBytes?.(len);
      }));
      await this.send(`complete multipart upload of ${key}`, () =>
        this.call((sdk) =>
          new sdk.CompleteMultipartUploadCommand({
            Bucket: this.o.bucket,
            Key: common.Key,
            UploadId: uploadId,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
        ),
      );
    } catch (err) {
      // Leave no billable parts behind; a failed abort is only a warning's worth.
      await this.call((sdk) => new sdk.AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: common.Key, UploadId: uploadId })).catch(() => {});
      throw err;
    }
  }

  async get(key: string, destFile: string, opts: GetOptions): Promise<GetResult> {
    if (opts.size !== undefined && opts.size >= this.o.multipartThreshold) return this.getRanged(key, destFile, opts.size, opts);
    const res = await this.send(`download ${key}`, () => this.call<GetObjectCommandOutput>((sdk) => new sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) })));
    try {
      return await streamToFile(res.Body as Readable, destFile, { ...opts, what: `${key} from remote ${this.name}` });
    } catch (err) {
      if (err instanceof TransferError) throw err;
      throw classifyS3Error(err, `download ${key}`, this);
    }
  }

  // Large objects come down as parallel byte ranges written at their offsets, then the
  // file is hashed once: ranges arrive out of order, so hashing while streaming would
  // need the whole object buffered. Re-reading costs ~0.5 s per GiB at 2 GB/s.
  private async getRanged(key: string, destFile: string, size: number, opts: GetOptions): Promise<GetResult> {
    const partSize = Math.max(this.o.partSize, Math.ceil(size / MAX_PARTS));
    const count = Math.ceil(size / partSize);
    const fh = await fs.promises.open(destFile, 'w');
    try {
      await fh.truncate(size);
      await forEachParallel(partNumbers(count), Math.min(this.o.jobs, 16), async (i) => {
        const start = i * partSize;
        const end = Math.min(size, start + partSize) - 1;
        await withRetries(async () => {
          let written = 0;
          try {
            const res = await this.send(`download ${key} bytes ${start}-${end}`, () =>
              this.call<GetObjectCommandOutput>((sdk) => new sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key), Range: `bytes=${start}-${end}` })),
            );
            if (res.ContentLength !== undefined && res.ContentLength !== end - start + 1) {
              throw new TransferError('fatal', 'ERANGE', `remote ${this.name} ignored the byte range for ${key} (got ${res.ContentLength} bytes)`, {
                hint: `raise the threshold (\`dvd remote modify ${this.name} multipart_threshold 100GiB\`) so large objects download in one request`,
              });
            }
            let pos = start;
            for await (const chunk of res.Body as AsyncIterable<Buffer>) {
              if (pos + chunk.length > end + 1) throw new TransferError('retriable', 'ETRUNCATED', `${key}: range ${start}-${end} returned too many bytes`);
              await fh.write(chunk, 0, chunk.length, pos);
              pos += chunk.length;
              written += chunk.length;
              opts.onBytes?.(chunk.length);
            }
            if (pos !== end + 1) throw new TransferError('retriable', 'ETRUNCATED', `${key}: range ${start}-${end} ended after ${pos - start} bytes`);
          } catch (err) {
            // Undo this attempt's progress so the bar does not run past 100%.
            opts.onBytes?.(-written);
            if (err instanceof TransferError) throw err;
            throw classifyS3Error(err, `download ${key}`, this);
          }
        });
      });
    } finally {
      await fh.close();
    }
    const { oid, size: got } = await hashFile(destFile);
    return { sha256: oid, bytes: got };
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      // s3rver answers DeleteObjects with a 500 now and then (DESIGN); retry those.
      await withRetries(() =>
        this.send('delete objects', () =>
          this.call((sdk) => new sdk.DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.key(k) })), Quiet: true } })),
        ),
      );
    }
  }

  /** Send one command built from the lazily loaded SDK. */
  private async call<T = unknown>(make: (sdk: Sdk) => object): Promise<T> {
    const { sdk, client } = await this.load();
    // Commands are built by the caller for one operation each; send() cannot type a union of them.
    return (await client.send(make(sdk) as Parameters<S3Client['send']>[0])) as T;
  }

  close(): void {
    void this.loaded?.then(({ client }) => client.destroy());
  }
}

/** Part indices 0..count-1 (count is at most MAX_PARTS). */
function partNumbers(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
  $retryable?: unknown;
}

/** Map an SDK or network error to what the queue should do with it, with a hint a user can act on. */
export function classifyS3Error(err: unknown, what: string, remote: { name: string; url: string }): TransferError {
  if (err instanceof TransferError) return err;
  const e = (err ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code ?? '';
  const at = `remote ${remote.name} (${remote.url})`;
  const msg = (text: string) => `${what}: ${text}`;
  // Fatal errors concern the remote, not the object that happened to meet them first.
  const fatalMsg = (text: string) => text;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new TransferError('fatal', 'ENOCREDENTIALS', fatalMsg(`no AWS credentials found for ${at}`), {
      cause: err,
      hint: `set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use a profile (\`dvd remote modify ${remote.name} profile NAME\`), or store keys in .dvd/config.local with \`dvd remote modify --local ${remote.name} access_key_id ...\``,
    });
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidToken' || name === 'ExpiredToken') {
    return new TransferError('fatal', 'ECREDENTIALS', fatalMsg(`${at} rejected the credentials (${name})`), {
      cause: err,
      hint: 'check the access key and secret (environment, profile or .dvd/config.local) and that the endpoint and region are right',
    });
  }
  if (name === 'NoSuchBucket') {
    return new TransferError('fatal', 'ENOBUCKET', fatalMsg(`the bucket of ${at} does not exist`), {
      cause: err,
      hint: `create the bucket, or fix the url with \`dvd remote modify ${remote.name} url s3://BUCKET/PREFIX\``,
    });
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || status === 403) {
    return new TransferError('fatal', 'EACCESSDENIED', fatalMsg(`access denied by ${at}`), {
      cause: err,
      hint: 'the credentials are valid but lack permission (s3:GetObject, s3:PutObject, s3:ListBucket on the bucket and prefix); check the bucket policy, or the credentials themselves',
    });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new TransferError('missing', 'ENOREMOTEOBJECT', msg(`not on ${at}`), { cause: err });
  }
  if (name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException' || name === 'RequestLimitExceeded' || status === 503 || status === 429) {
    const ra = Number(e.$response?.headers?.['retry-after']);
    return new TransferError('throttled', 'ETHROTTLED', msg(`${at} asked to slow down (${name || status})`), {
      cause: err,
      retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined,
    });
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'CERT_HAS_EXPIRED' || e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new TransferError('fatal', 'EUNREACHABLE', fatalMsg(`cannot reach ${at}: ${e.code}`), {
      cause: err,
      hint: 'check the endpoint (`dvd remote list`, remote.NAME.endpoint), your network, and that the server is running',
    });
  }
  if ((status !== undefined && status >= 500) || isRetriableNetworkError(err) || e.$retryable) {
    return new TransferError('retriable', 'ETRANSIENT', msg(`${at} failed: ${name || e.code || status || e.message}`), { cause: err });
  }
  // An answer we cannot act on (e.g. a proxy's HTML page): report it, do not loop on it.
  return new TransferError('fatal', 'EREMOTE', fatalMsg(`${at} failed: ${name || status || ''} ${e.message ?? String(err)}`.trim()), { cause: err });
}
