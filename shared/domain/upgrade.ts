// Why: an upgrade outlives the SSH session that started it and the kernel it started on. Its
// journal (one JSON record per state change, fsynced) is the one account of where it is, read
// by the controller when it (re)attaches and by the restore hook on the new boot. These are the
// shapes of that journal, of the upgrade list and of the report written at the end.
import * as z from '../zod';
import { journalRecordSchema, outcomeSchema, targetKernelOf, targetKernelSchema, UPGRADE_PHASES, type JournalRecord } from './journal';

/** `u-20261126t022249-3f9a`: safe in a unit name, a path and the kernel command line. */
export const upgradeIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{3,63}$/, 'an upgrade id is 4–64 of a-z, 0-9 and -'));

/**
 * Where an upgrade stands, from its records: running until the report record, then ended with
 * the outcome the host decided. Readers show `outcome`; nothing re-derives it.
 */
export const upgradeSummarySchema = z.object({
  id: upgradeIdSchema,
  state: z.enum(['running', 'ended']),
  /** null while running. */
  outcome: z.nullable(outcomeSchema),
  /** The kernel the upgrade goes to (the last jump's, after a jump back). */
  target: z.nullable(targetKernelSchema),
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
  outcome: outcomeSchema,
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
      /**
       * What became of it: restored; cold-started (a service that was not restored started anew);
       * lost (not a service: nothing could start it). Absent in reports written before it existed.
       */
      fate: z.optional(z.enum(['restored', 'cold-started', 'lost'])),
    }),
  ),
  /** Selected workloads that had exited by themselves before they could be dumped: nothing was carried. */
  gone: z.optional(z.array(z.string())),
  /** Selected workloads whose dump failed and that the plan (onDumpFailure: skip) left behind. */
  skipped: z.optional(z.array(z.string())),
});
export type UpgradeReport = z.infer<typeof upgradeReportSchema>;

/** The summary of an upgrade after these records: the report record, when there is one, decides. */
export function summarize(id: string, records: readonly JournalRecord[]): UpgradeSummary {
  let outcome: UpgradeSummary['outcome'] = null;
  for (const r of records) if (r.phase === 'report' && r.state === 'done') outcome = r.data.outcome;
  return {
    id,
    state: outcome === null ? 'running' : 'ended',
    outcome,
    target: targetKernelOf(records),
    startedAt: records[0]?.at ?? null,
    last: records.at(-1) ?? null,
    records: records.length,
  };
}
