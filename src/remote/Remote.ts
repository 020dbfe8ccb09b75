// A remote only moves bytes (git-lfs's backend habit). Keys are object keys relative to
// the remote's root (`sha256/ab/cdef...`, from objectKey). Each request a backend makes
// is retried and paced by the remote layer's one RetryPolicy; the transfer queue above
// it owns ordering, de-duplication, progress and the list of failures.
export interface PutOptions {
  size: number;
  /** Bare hex SHA-256 of the content, recorded beside the object where the store allows. */
  sha256: string;
  onBytes?: (n: number) => void;
}

export interface GetOptions {
  /** Expected size when known; a shorter or longer body is an error, not a success. */
  size?: number;
  /**
   * Expected SHA-256 (hex). A backend that can retry checks it while it still can, so a
   * bit flipped in transit costs one more attempt; the caller checks it again anyway.
   */
  sha256?: string;
  onBytes?: (n: number) => void;
}

export interface GetResult {
  /** SHA-256 of the bytes written to the destination, hex. */
  sha256: string;
  bytes: number;
}

export interface Remote {
  readonly name: string;
  /** Human-readable location for messages, e.g. `s3://bucket/prefix` or a folder path. */
  readonly url: string;
  /** Default number of transfers in flight when neither -j nor remote.NAME.jobs says. */
  readonly defaultJobs: number;
  /** Longest silence one request tolerates (remote.NAME.timeout), ms; undefined when the backend has none (folders). */
  readonly timeoutMs?: number;
  has(key: string): Promise<boolean>;
  /** Every key under `prefix` (a folder-like prefix ending in '/'), relative to the root. */
  list(prefix: string): Promise<string[]>;
  put(key: string, srcFile: string, opts: PutOptions): Promise<void>;
  /** Write the object to destFile (created or truncated), hashing it on the way. */
  get(key: string, destFile: string, opts: GetOptions): Promise<GetResult>;
  delete(keys: string[]): Promise<void>;
  /** Release connections; the remote is not used afterwards. */
  close(): void;
}
