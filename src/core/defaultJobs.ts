// Files in flight for add/status/checkout. The work is a mix of kernel copies (libuv's
// 4 pool threads) and hashing on the main thread; 8 keeps both cores and the disk busy
// without thrashing (measured on 20,000 x 100 KiB: 4 -> 8 jobs gained ~15%, 16 nothing).
export function defaultJobs(): number {
  return 8;
}
