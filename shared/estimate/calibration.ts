// Why: what the target measured about itself without downtime (store and disk bandwidth, the
// hashing rate, its boot times), and what a dry run measured about the selected workloads. The
// agent measures, the controller keeps a host's calibration with its date and hands it to the
// estimate; it crosses the wire and is stored on disk, so it is versioned and validated.
import * as z from '../zod';
import { selectorSchema } from '../plan/plan';

export const CALIBRATION_VERSION = 1;
/** A calibration older than this is measured again before it is used. */
export const CALIBRATION_STALE_MS = 7 * 24 * 3600 * 1000;

const nonneg = () => z.number().check(z.nonnegative());
const rate = () => z.nullable(z.number().check(z.positive()));
const reason = () => z.nullable(z.string());

export const calibrationSchema = z.object({
  version: z.literal(CALIBRATION_VERSION),
  hostname: z.string(),
  kernel: z.string(),
  measuredAt: z.string(),
  measuredAtMs: z.number(),
  /** Sequential write (O_DIRECT, then fsync) and read (O_DIRECT) of a bounded test file on the store. */
  store: z.object({
    kind: z.enum(['pmem', 'dir']),
    where: z.string(),
    testBytes: nonneg(),
    writeBytesPerS: rate(),
    readBytesPerS: rate(),
    /** Why a figure is missing (a store holding an unfinished upgrade's images is never touched). */
    reason: reason(),
  }),
  /** Buffered write + fsync on the root filesystem: how fast dirty page cache reaches the disk. */
  flush: z.object({ where: z.string(), testBytes: nonneg(), bytesPerS: rate(), reason: reason() }),
  /** sha256 over memory: the CPU's speed against the reference the defaults were fitted on. */
  hashBytesPerS: rate(),
  /** The image check's digest on this host (the fastest of a vetted few) and its rate (absent in older calibrations). */
  digest: z.optional(z.object({ algorithm: z.string(), bytesPerS: z.number().check(z.positive()) })),
  /** From systemd's "Startup finished" records (this boot, else the previous one). */
  boot: z.object({
    kernelS: z.nullable(nonneg()),
    initrdS: z.nullable(nonneg()),
    userspaceS: z.nullable(nonneg()),
    source: z.string(),
  }),
});
export type Calibration = z.infer<typeof calibrationSchema>;

/** What a dry run measured of one selected workload (nothing of it changed). */
export const workloadTrialSchema = z.object({
  selector: selectorSchema,
  processes: z.number().check(z.int(), z.nonnegative()),
  mappings: z.number().check(z.int(), z.nonnegative()),
  fds: z.number().check(z.int(), z.nonnegative()),
  /** Page bytes the pre-dump round wrote (what a dump of it costs), and how long it took. */
  preDumpBytes: nonneg(),
  preDumpMs: nonneg(),
  /** Bytes the workload dirtied per second, from a second, incremental round. */
  dirtyBytesPerS: z.nullable(nonneg()),
  /** The opt-in trial dump (`criu dump --leave-running`): the real freeze, its bytes. */
  trialDump: z.nullable(z.object({ freezeMs: nonneg(), bytes: nonneg() })),
});
export type WorkloadTrial = z.infer<typeof workloadTrialSchema>;
