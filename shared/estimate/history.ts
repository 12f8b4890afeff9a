// Why: the next estimate learns from the last real runs on the same host. The controller keeps
// one entry per finished upgrade (derived from its report); the estimate reads the measured
// boot and restore figures from them in preference to defaults.
import * as z from '../zod';

const ms = () => z.nullable(z.number().check(z.nonnegative()));

export const historyEntrySchema = z.object({
  upgradeId: z.string(),
  endedAt: z.string(),
  outcome: z.string(),
  kernelAfter: z.nullable(z.string()),
  bytes: z.number().check(z.nonnegative()),
  processes: z.number().check(z.int(), z.nonnegative()),
  /** Measured on that run (null: not reached or not recorded). */
  kexecJumpMs: ms(),
  kernelBootMs: ms(),
  userspaceToHookMs: ms(),
  imageCheckMs: ms(),
  restoreMs: ms(),
  blackoutMs: ms(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
