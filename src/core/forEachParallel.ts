// Parallel for-each over an array with at most `jobs` calls in flight. A fixed set of
// workers pulls the next index, so 1,000,000 items cost 1,000,000 calls and no queue of
// pending promises (p-limit would allocate one per item up front).
export async function forEachParallel<T>(items: readonly T[], jobs: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null) {
      const i = next++;
      if (i >= items.length) return;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  const workers = [];
  for (let w = 0; w < Math.min(jobs, items.length); w++) workers.push(worker());
  await Promise.all(workers);
  if (failed !== null) throw failed;
}
