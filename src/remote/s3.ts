import fs from 'node:fs';
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
import { DvdError } from '../core/errors.js';
import { hashFile } from '../core/hashFile.js';
import { forEachParallel } from '../core/forEachParallel.js';
import type { AwsSetup } from './awsSetup.js';
import type { LeanS3 } from './s3Lean.js';
import { classifyS3Error, remoteFailedError, type S3ErrorContext } from './classifyS3Error.js';
import type { GetOptions, GetResult, PutOptions, Remote } from './Remote.js';
import { RetryPolicy } from './RetryPolicy.js';
import { Slots } from './Slots.js';
import { streamToFile } from './streamToFile.js';
import { corruptDataError, TransferError } from './TransferError.js';

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
  /** Static keys from .dvd/config.local; otherwise the environment or the AWS profile (awsSetup). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Transfers in flight; the most requests in flight, and the connection pool's size. */
  jobs: number;
  /** Longest silence tolerated: connecting, waiting for an answer, between bytes of a body (ms). */
  timeoutMs: number;
  /** Objects at least this big go up in parts and come down in parallel ranges. */
  multipartThreshold: number;
  partSize: number;
  /** One line for the user when the remote times out, throttles or redirects (a warning). */
  onNotice?: (message: string) => void;
  /** Attempts per request; default the RetryPolicy's (DVD_RETRIES, 5). */
  attempts?: number;
}

// Measured on these machines (DESIGN "S3 facts"): with keep-alive and 32 requests in
// flight the SDK moved 2,000 x 64 KiB up in 1.7 s against s3rver; rclone with 16
// transfers took 4.7 s. Our own sweep, `dvd fetch` of 20,000 x 100 KiB from s3rver on a
// busy 2-core box: -j 8 99 s, 16 102 s, 32 75 s, 64 106 s. So 32 is the default.
export const S3_DEFAULT_JOBS = 32;
// git-lfs's lfs.dialtimeout and lfs.activitytimeout are 30 s each: long enough for a
// busy store to answer a large CompleteMultipartUpload, short enough that a dead or
// hung endpoint fails within minutes (5 attempts) instead of hanging forever.
export const S3_DEFAULT_TIMEOUT_MS = 30_000;
// Parts of 16 MiB held in memory at once. Pushing 2 x 1 GiB to s3rver: 8 parts took
// 27.0 s at 255 MB peak RSS, 4 parts 28.1 s at 188 MB (issue 5's memory target is 200 MB),
// so 4: more only costs memory.
const MAX_PART_BUFFERS = 4;
// Small objects are read into memory and sent in one buffer: a read stream costs more
// than the 100 KiB it carries.
const BUFFER_BODY_LIMIT = 8 * 1024 * 1024;
// S3 allows at most 10,000 parts per upload.
const MAX_PARTS = 10_000;

interface RawSdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $response?: { headers?: Record<string, string> };
}
const statusOf = (err: unknown) => (err as RawSdkError)?.$metadata?.httpStatusCode;

/** The region AWS says the bucket is in, when it refused a request signed for another (301, or 400 with x-amz-bucket-region). */
function bucketRegionOf(err: unknown): string | undefined {
  const status = statusOf(err);
  const region = (err as RawSdkError)?.$response?.headers?.['x-amz-bucket-region'];
  return (status === 301 || status === 400) && region ? region : undefined;
}

type Send = <T>(make: (sdk: Sdk) => object) => Promise<T>;

export class S3Remote implements Remote {
  readonly name: string;
  readonly url: string;
  readonly defaultJobs = S3_DEFAULT_JOBS;
  readonly timeoutMs: number;
  private loaded?: Promise<{ sdk: Sdk; client: S3Client; lean?: LeanS3 }>;
  private readonly o: S3RemoteOptions;
  private readonly keyPrefix: string;
  /** Multipart parts held in memory at once, across all objects (see Slots). */
  private readonly partSlots = new Slots(MAX_PART_BUFFERS);
  /** Every request of this remote goes through it: retries, throttling, fatal stop. */
  private readonly policy: RetryPolicy;
  /** The signing region: resolved like the AWS CLI's, then the bucket's own once AWS names it. */
  private region = 'us-east-1';
  private setup?: AwsSetup;
  private bucketCheck?: Promise<void>;

  constructor(o: S3RemoteOptions) {
    this.o = o;
    this.name = o.name;
    this.timeoutMs = o.timeoutMs;
    this.url = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ''}${o.endpoint ? ` at ${o.endpoint}` : ''}`;
    this.keyPrefix = o.prefix ? `${o.prefix}/` : '';
    this.policy = new RetryPolicy({
      jobs: o.jobs,
      attempts: o.attempts,
      remoteFailed: (last, attempts) => remoteFailedError(last, attempts, this.errorContext()),
      describe: `remote ${o.name} (${this.url})`,
      onNotice: o.onNotice,
    });
  }

  private errorContext(): S3ErrorContext {
    return {
      name: this.name,
      url: this.url,
      bucket: this.o.bucket,
      pathStyle: this.pathStyle(),
      timeoutMs: this.o.timeoutMs,
      profile: this.setup?.profile ?? { name: this.o.profile ?? 'default', source: this.o.profile ? `remote.${this.name}.profile` : 'the default' },
    };
  }

  private pathStyle(): boolean {
    return this.o.pathStyle ?? this.o.endpoint !== undefined;
  }

  private load(): Promise<{ sdk: Sdk; client: S3Client; lean?: LeanS3 }> {
    const o = this.o;
    // dvd targets Node 20 (DESIGN); the SDK's "upgrade to Node 22" notice would print on
    // every S3 command and tells the user nothing they can act on in dvd.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.loaded ??= (async () => {
      // Loaded here, like the SDK: a folder remote or `dvd status` needs none of it.
      const [{ resolveAwsSetup }, { httpAgents }] = await Promise.all([import('./awsSetup.js'), import('./httpAgents.js')]);
      let setup: AwsSetup;
      try {
        setup = await resolveAwsSetup({ remoteName: o.name, region: o.region, profile: o.profile, https: !o.endpoint || /^https:/i.test(o.endpoint) });
      } catch (err) {
        // A missing profile or CA bundle concerns every request: stop the queue with it.
        if (err instanceof DvdError) throw new TransferError('fatal', err.code, err.message, { hint: err.hint });
        throw err;
      }
      this.setup = setup;
      this.region = setup.region;
      const sdk = await import('@aws-sdk/client-s3');
      // Keep-alive: a fresh TCP (and TLS) handshake per 100 KiB object would cost more than
      // the transfer. Sockets: every job plus the parts of one large object.
      const agents = httpAgents({ maxSockets: o.jobs + 16, ca: setup.ca, proxies: setup.proxies });
      const client = new sdk.S3Client({
        // A provider, read per request: after a region redirect every later request
        // signs for the bucket's region.
        region: async () => this.region,
        endpoint: o.endpoint,
        forcePathStyle: this.pathStyle(),
        profile: setup.profile.name,
        credentials: o.credentials ?? setup.envCredentials,
        // The RetryPolicy owns retries (it also covers bodies cut off mid-stream, which
        // the SDK cannot retry, and paces a throttling store), so one attempt each.
        maxAttempts: 1,
        // Default flexible checksums send bodies as aws-chunked, which s3rver and other
        // S3-compatible stores store verbatim as data (DESIGN). We verify SHA-256 ourselves.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        // The SDK warns on console about non-retryable streaming errors; we report them ourselves.
        logger: { debug() {}, info() {}, warn() {}, error() {}, trace() {} },
        requestHandler: {
          ...agents,
          // The socket timeout is an idle timeout: it fires when nothing moves either way
          // for that long - no answer to a request, or a body that stops halfway - and
          // never cuts a slow but moving transfer. (requestTimeout would bound the whole
          // request, and only logs unless told to throw.)
          connectionTimeout: o.timeoutMs,
          socketTimeout: o.timeoutMs,
        },
      });
      // The one place that decides SDK or lean: single-request objects (HEAD, a whole
      // GET, a PUT from memory) go lean unless DVD_S3_SDK=1 (request()'s send asks
      // lean.accepts). The lean path shares this client's credentials, clock offset,
      // endpoint rules and agents.
      let lean: LeanS3 | undefined;
      if (process.env.DVD_S3_SDK !== '1') {
        const { LeanS3 } = await import('./s3Lean.js');
        lean = new LeanS3({ sdk, client, bucket: o.bucket, endpoint: o.endpoint, pathStyle: this.pathStyle(), region: () => this.region, agents, timeoutMs: o.timeoutMs, signal: this.policy.signal });
      }
      return { sdk, client, lean };
    })();
    return this.loaded;
  }

  private key(key: string): string {
    return this.keyPrefix + key;
  }

  /**
   * One request, through the RetryPolicy. `fn` sends with `send` and may consume the
   * answer's body; its SDK errors are classified here. A redirect to the bucket's
   * region and the SDK's clock-offset correction each earn one immediate retry (the
   * SDK would retry them itself, but it makes one attempt only: see maxAttempts).
   */
  private request<T>(what: string, fn: (send: Send) => Promise<T>): Promise<T> {
    return this.policy.request(async () => {
      const { sdk, client, lean } = await this.load();
      const send: Send = async <R>(make: (sdk: Sdk) => object) => {
        const cmd = make(sdk);
        if (lean?.accepts(cmd)) return (await lean.send(cmd)) as R;
        // Commands are built by the caller for one operation each; send() cannot type a union of them.
        return (await client.send(cmd as Parameters<S3Client['send']>[0], { abortSignal: this.policy.signal })) as R;
      };
      let redirected = false;
      let clockCorrected = false;
      for (;;) {
        const signedFor = this.region;
        try {
          return await fn(send);
        } catch (err) {
          if (err instanceof TransferError) throw err;
          const region = bucketRegionOf(err);
          if (region && region !== signedFor && !redirected) {
            // Requests in flight together all meet the redirect; the first one switches.
            if (this.region === signedFor) {
              this.o.onNotice?.(`remote ${this.name}: the bucket is in region ${region}, not ${signedFor}; using ${region} (\`dvd remote modify ${this.name} region ${region}\` saves this request)`);
              this.region = region;
            }
            redirected = true;
            continue;
          }
          if ((err as RawSdkError).$metadata?.clockSkewCorrected && !clockCorrected) {
            clockCorrected = true;
            continue;
          }
          throw classifyS3Error(err, what, this.errorContext());
        }
      }
    });
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.request(`check ${key}`, async (send) => {
        try {
          return await send((sdk) => new sdk.HeadObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }));
        } catch (err) {
          // A HEAD answer has no body, so a 403 cannot say whether the key id is unknown,
          // the signature or the clock is wrong, or access is denied. A listing's can;
          // if the listing works, the HEAD's 403 stands.
          if (statusOf(err) === 403 && !(err as RawSdkError).$metadata?.clockSkewCorrected) {
            await send((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.key(key), MaxKeys: 1 }));
          }
          throw err;
        }
      });
      return true;
    } catch (err) {
      if (!(err instanceof TransferError) || err.kind !== 'missing') throw err;
      await this.checkBucket();
      return false;
    }
  }

  /**
   * A HEAD 404 has no body either: it cannot tell "no such key" from "no such bucket".
   * The first one costs one listing of the prefix, whose answer can; a NoSuchBucket is
   * then fatal like everywhere else. Without s3:ListBucket (403) the 404 is believed.
   */
  private checkBucket(): Promise<void> {
    this.bucketCheck ??= this.request('check the bucket', async (send) => {
      try {
        await send((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.keyPrefix, MaxKeys: 1 }));
      } catch (err) {
        if ((err as RawSdkError).name === 'AccessDenied') return;
        throw err;
      }
    });
    return this.bucketCheck;
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    const strip = this.keyPrefix.length;
    do {
      const res = await this.request(`list ${prefix}`, (send) =>
        send<ListObjectsV2CommandOutput>((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.key(prefix), ContinuationToken: token })),
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
      const res = await this.request(`list ${key}`, (send) =>
        send<ListObjectsV2CommandOutput>((sdk) => new sdk.ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.key(key), ContinuationToken: token })),
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
    const small = opts.size <= BUFFER_BODY_LIMIT ? await fs.promises.readFile(srcFile) : undefined;
    await this.request(`upload ${key}`, (send) =>
      // A stream is single-use: each attempt opens its own.
      send((sdk) => new sdk.PutObjectCommand({ ...common, Body: small ?? fs.createReadStream(srcFile), ContentLength: opts.size, ContentType: 'application/octet-stream' })),
    );
    opts.onBytes?.(opts.size);
  }

  private async putMultipart(key: string, srcFile: string, opts: PutOptions, common: ReturnType<S3Remote['extra']> & { Bucket: string; Key: string }): Promise<void> {
    const partSize = Math.max(this.o.partSize, Math.ceil(opts.size / MAX_PARTS));
    const count = Math.max(1, Math.ceil(opts.size / partSize));
    const created = await this.request(`start multipart upload of ${key}`, (send) =>
      send<CreateMultipartUploadCommandOutput>((sdk) => new sdk.CreateMultipartUploadCommand({ ...common, ContentType: 'application/octet-stream' })),
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
        const res = await this.request(`upload part ${i + 1}/${count} of ${key}`, (send) =>
          send<UploadPartCommandOutput>((sdk) => new sdk.UploadPartCommand({ Bucket: this.o.bucket, Key: common.Key, UploadId: uploadId, PartNumber: i + 1, Body: buf, ContentLength: len })),
        );
        etags[i] = res.ETag ?? '';
        opts.onBytes?.(len);
      }));
      await this.request(`complete multipart upload of ${key}`, (send) =>
        send((sdk) =>
          new sdk.CompleteMultipartUploadCommand({
            Bucket: this.o.bucket,
            Key: common.Key,
            UploadId: uploadId,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
        ),
      );
    } catch (err) {
      // Leave no billable parts behind; a failed abort is only a warning's worth. Sent
      // outside the policy: it must go out even after the remote failed for good.
      await this.load()
        .then(({ sdk, client }) => client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: common.Key, UploadId: uploadId })))
        .catch(() => {});
      throw err;
    }
  }

  async get(key: string, destFile: string, opts: GetOptions): Promise<GetResult> {
    if (opts.size !== undefined && opts.size >= this.o.multipartThreshold) return this.getRanged(key, destFile, opts.size, opts);
    const what = `download ${key}`;
    return this.request(what, async (send) => {
      const res = await send<GetObjectCommandOutput>((sdk) => new sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }));
      let got: GetResult;
      let moved = 0;
      try {
        got = await streamToFile(res.Body as Readable, destFile, {
          ...opts,
          onBytes: (n) => {
            moved += n;
            opts.onBytes?.(n);
          },
          what: `${key} from remote ${this.name}`,
        });
      } catch (err) {
        // Undo this attempt's progress so the bar does not run past 100%.
        opts.onBytes?.(-moved);
        throw classifyS3Error(err, what, this.errorContext(), 'body');
      }
      if (opts.sha256 !== undefined && got.sha256 !== opts.sha256) {
        opts.onBytes?.(-moved);
        throw corruptDataError(this, opts.sha256, got);
      }
      return got;
    });
  }

  // Large objects come down as parallel byte ranges written at their offsets, then the
  // file is hashed once: ranges arrive out of order, so hashing while streaming would
  // need the whole object buffered. Re-reading costs ~0.5 s per GiB at 2 GB/s. Each
  // range is one request with its own retries; a hash mismatch retries the whole object.
  private getRanged(key: string, destFile: string, size: number, opts: GetOptions): Promise<GetResult> {
    const partSize = Math.max(this.o.partSize, Math.ceil(size / MAX_PARTS));
    const count = Math.ceil(size / partSize);
    return this.policy.operation(async () => {
      const fh = await fs.promises.open(destFile, 'w');
      let moved = 0;
      try {
        await fh.truncate(size);
        await forEachParallel(partNumbers(count), Math.min(this.o.jobs, 16), async (i) => {
          const start = i * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const what = `download ${key} bytes ${start}-${end}`;
          await this.request(what, async (send) => {
            const res = await send<GetObjectCommandOutput>((sdk) => new sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key), Range: `bytes=${start}-${end}` }));
            if (res.ContentLength !== undefined && res.ContentLength !== end - start + 1) {
              throw new TransferError('fatal', 'ERANGE', `remote ${this.name} ignored the byte range for ${key} (got ${res.ContentLength} bytes)`, {
                hint: `raise the threshold (\`dvd remote modify ${this.name} multipart_threshold 100GiB\`) so large objects download in one request`,
              });
            }
            let pos = start;
            try {
              for await (const chunk of res.Body as AsyncIterable<Buffer>) {
                if (pos + chunk.length > end + 1) throw new TransferError('retriable', 'ETRUNCATED', `${key}: range ${start}-${end} returned too many bytes`);
                await fh.write(chunk, 0, chunk.length, pos);
                pos += chunk.length;
                opts.onBytes?.(chunk.length);
              }
              if (pos !== end + 1) throw new TransferError('retriable', 'ETRUNCATED', `${key}: range ${start}-${end} ended after ${pos - start} bytes`);
              moved += pos - start;
            } catch (err) {
              opts.onBytes?.(start - pos);
              throw classifyS3Error(err, what, this.errorContext(), 'body');
            }
          });
        });
      } catch (err) {
        opts.onBytes?.(-moved);
        throw err;
      } finally {
        await fh.close();
      }
      const { oid, size: got } = await hashFile(destFile);
      if (opts.sha256 !== undefined && oid !== opts.sha256) {
        opts.onBytes?.(-moved);
        throw corruptDataError(this, opts.sha256, { sha256: oid, bytes: got });
      }
      return { sha256: oid, bytes: got };
    });
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      // s3rver answers DeleteObjects with a 500 now and then (DESIGN); the policy retries those.
      await this.request('delete objects', (send) =>
        send((sdk) => new sdk.DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.key(k) })), Quiet: true } })),
      );
    }
  }

  close(): void {
    void this.loaded?.then(({ client }) => client.destroy(), () => {});
  }
}

/** Part indices 0..count-1 (count is at most MAX_PARTS). */
function partNumbers(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
