// Why: independent workloads are dumped and restored side by side, but never more at once than
// the host has CPUs for (each CRIU run is one busy thread plus its reads and writes). A failure
// stops new starts and waits for the ones under way, so that whoever handles the error knows
// the state of every workload, not just of the one that failed.
import { availableParallelism } from 'node:os';

/** How many CRIU runs go side by side: the CPUs, at most 8 (the store's bandwidth is shared). */
export const criuConcurrency = (): number => Math.max(1, Math.min(8, availableParallelism()));

/**
 * Runs `fn` on every item, at most `limit` at once, in the items' order of start. After the
 * first rejection nothing new starts; once the runs under way have ended, that rejection is thrown.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failed === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== null) throw (failed as { err: unknown }).err;
}
