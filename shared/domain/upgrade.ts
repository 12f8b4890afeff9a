// Why: an upgrade outlives the SSH session that started it and the kernel it started on. Its
// journal (one JSON record per state change, fsynced) is the one account of where it is, read
// by the controller when it (re)attaches and by the restore hook on the new boot. These are the
// shapes of that journal, of the upgrade list and of the report written at the end.
import * as z from '../zod';
import { errorInfoSchema } from '../errors';

/** `u-20261126t022249-3f9a`: safe in a unit name, a path and the kernel command line. */
export const upgradeIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{3,63}$/, 'an upgrade id is 4–64 of a-z, 0-9 and -'));

export const UPGRADE_PHASES = [
  'start',
  'preflight',
  'prepare',
  'stage',
  'pre-dump',
  'pre-sync',
  'checkpoint',
  'kexec',
  'boot',
  'restore',
  'release',
  'rewarm',
  'verify',
  'report',
  'fallback',
] as const;
export type UpgradePhase = (typeof UPGRADE_PHASES)[number];

export const journalRecordSchema = z.object({
  /** 1, 2, 3 … within one upgrade, across both boots. */
  seq: z.number().check(z.int(), z.positive()),
  /** ISO time of the host's clock. */
  at: z.string(),
  /** Milliseconds since the epoch (the same instant as `at`, for arithmetic). */
  atMs: z.number(),
  /** The kernel release that wrote the record. */
  kernel: z.string(),
  phase: z.enum(UPGRADE_PHASES),
  /** progress: bytes moved so far in a running step (data: bytesDone, bytesTotal or null). */
  state: z.enum(['begin', 'done', 'failed', 'skipped', 'info', 'progress']),
  message: z.string(),
  /** Measured duration of the phase (on `done`/`failed`). */
  durationMs: z.optional(z.number().check(z.nonnegative())),
  data: z.optional(z.record(z.string(), z.unknown())),
  error: z.optional(errorInfoSchema),
});
export type JournalRecord = z.infer<typeof journalRecordSchema>;

/** Where an upgrade stands, derived from its last records. */
export const UPGRADE_STATES = ['running', 'restored', 'done', 'aborted', 'failed'] as const;
export const upgradeSummarySchema = z.object({
  id: upgradeIdSchema,
  state: z.enum(UPGRADE_STATES),
  /** Time of the first record. */
  startedAt: z.nullable(z.string()),
  last: z.nullable(journalRecordSchema),
  records: z.number().check(z.int(), z.nonnegative()),
});
export type UpgradeSummary = z.infer<typeof upgradeSummarySchema>;

export const upgradeReportSchema = z.object({
  id: upgradeIdSchema,
  /**
   * restored-unmanaged: every workload runs again, but systemd did not take back a service (the
   * journal says which). rolled-back: the restore failed on the new kernel; everything was
   * restored on the old one (policy kexec-back).
   */
  outcome: z.enum(['restored', 'restored-unmanaged', 'rolled-back', 'cold-started', 'aborted', 'failed']),
  kernelBefore: z.string(),
  kernelAfter: z.nullable(z.string()),
  /** Measured duration of each phase, in journal order. */
  phases: z.array(z.object({ phase: z.enum(UPGRADE_PHASES), durationMs: z.number().check(z.nonnegative()), ok: z.boolean() })),
  /** Freeze (start of the final dump) to the last workload restored, across the kexec. */
  blackoutMs: z.nullable(z.number().check(z.nonnegative())),
  bytesDumped: z.number().check(z.nonnegative()),
  workloads: z.array(
    z.object({
      selector: z.string(),
      rootPid: z.number().check(z.int(), z.positive()),
      processes: z.number().check(z.int(), z.nonnegative()),
      bytesDumped: z.number().check(z.nonnegative()),
      restored: z.boolean(),
      handedBackTo: z.nullable(z.string()),
    }),
  ),
});
export type UpgradeReport = z.infer<typeof upgradeReportSchema>;

/** The state an upgrade is in after these records (the last one decides). */
export function summarize(id: string, records: JournalRecord[]): UpgradeSummary {
  const last = records.at(-1) ?? null;
  let state: UpgradeSummary['state'] = 'running';
  for (const r of records) {
    if (r.phase === 'report' && r.state === 'done') state = r.data?.outcome === 'aborted' ? 'aborted' : 'done';
    else if (r.phase === 'restore' && r.state === 'done') state = 'restored';
    else if (r.phase === 'fallback' && r.state === 'done') state = r.data?.aborted === true ? 'aborted' : 'failed';
  }
  return { id, state, startedAt: records[0]?.at ?? null, last, records: records.length };
}
