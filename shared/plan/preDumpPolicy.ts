// Why: a pre-dump round pays when it moves enough bytes out of the freeze to outweigh what it
// adds: a CRIU run per round while the workload runs, a --track-mem final dump, and a restore
// that reads through the rounds' parent images. For a small workload the whole dump under the
// freeze takes less than that fixed cost (on the lab, 240 workloads of ~3 MB spent 11 minutes in
// pre-dump rounds for nothing), so only workloads of at least PRE_DUMP_MIN_BYTES are pre-dumped.
// The agent and the estimate decide the same way, here.

/** Below this, a workload is dumped whole under the freeze (at 1 GB/s a 32 MiB dump takes ~35 ms). */
export const PRE_DUMP_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Whether pre-dump rounds pay for a workload of this size (unknown size: they are tried, as
 * before). The same for a tree restored lazily: it gets one round, whose pages its lazy-pages
 * daemon serves (agent/upgrade/lazyViews.ts); only what changed after the round is restored
 * before it runs.
 */
export const preDumpPays = (bytes: number | null | undefined): boolean =>
  bytes === null || bytes === undefined || bytes >= PRE_DUMP_MIN_BYTES;
